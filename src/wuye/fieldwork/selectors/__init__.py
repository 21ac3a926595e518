"""Field work: one module per topic."""
