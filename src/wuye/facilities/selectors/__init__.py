"""Reads of facilities (设施设备) that are more than one line, one module per topic."""
