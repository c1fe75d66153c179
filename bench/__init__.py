"""Benchmarks: ``xingfu bench NAME`` runs ``bench/NAME.py`` and prints one JSON line.

Each module defines ``add_arguments(parser)`` and ``run(**options) -> dict``; the dict is completed with
``bench``, ``database`` and ``peak_rss_mb``. Every benchmark measures a naive baseline in the same run.
"""
