"""Every write and business rule of environment, one module per topic."""
