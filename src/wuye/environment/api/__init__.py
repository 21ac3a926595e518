"""API of environment (``/api/v1/environment/…``), one router per topic."""
