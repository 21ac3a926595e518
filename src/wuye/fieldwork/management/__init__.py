"""Management commands of field work."""
