"""Reads of facilities (设施设备), one module per topic."""
