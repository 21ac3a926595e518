"""api of emergencies, one module per topic."""
