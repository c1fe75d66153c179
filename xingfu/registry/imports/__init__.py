"""Importing households and persons from a spreadsheet (docs/import.md).

``reader`` turns the uploaded bytes into rows (CSV in UTF-8 or GBK/GB18030, or XLSX), ``columns`` knows the
template's columns and how to read each value, ``validate`` checks the whole file in memory and builds a plan,
``bulk`` writes rows many at a time, ``services`` ties them together for a batch (``progress`` shows how far it
got while its transaction is open), and ``report`` builds the downloadable template and error report.
"""
