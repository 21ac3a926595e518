"""API of security (秩序消防), one module per topic."""
