"""selectors of emergencies, one module per topic."""
