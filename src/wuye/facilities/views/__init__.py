"""Pages of facilities, one module per audience or topic."""
