"""Reads of environment, one module per topic."""
