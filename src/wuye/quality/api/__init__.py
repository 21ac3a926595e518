"""api of quality management, one module per topic."""
