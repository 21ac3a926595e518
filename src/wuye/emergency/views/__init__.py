"""views of emergencies, one module per topic."""
