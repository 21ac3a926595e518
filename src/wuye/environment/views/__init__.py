"""Pages of environment (``environment:``), one module per topic."""
