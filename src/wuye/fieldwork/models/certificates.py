"""certificates."""

__all__: list[str] = []
