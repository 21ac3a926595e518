"""services of emergencies, one module per topic."""
