"""Demo order and safety of 阳光花园 (manual ch.6), one function per topic, each made through the
services so clocks, messages and records are real."""

from __future__ import annotations


def load_security_demo(estates) -> dict:
    """Load every topic's demo into the estates; returns counts for the demo summary."""
    counts: dict = {}
    return counts
