"""documents of emergencies, one module per topic."""
