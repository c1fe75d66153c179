"""Signals the registry sends, for apps above it that keep their own records about persons.

``person_merged`` is sent inside the merge's transaction, after the registry's own rows have moved, with
``survivor``, ``merged`` and ``actor``. A receiver moves its app's records to the survivor (or closes
those that would clash) and returns a summary, which the merge keeps with its history. A receiver that
raises rolls the whole merge back.
"""

from django.dispatch import Signal

person_merged = Signal()
