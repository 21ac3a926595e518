"""Benchmarks run with ``make bench`` (``python -m bench``) against whatever DATABASE_URL is set."""
