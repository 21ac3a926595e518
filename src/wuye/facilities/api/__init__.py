"""API of facilities, one module per topic."""
