"""devices."""

__all__: list[str] = []
