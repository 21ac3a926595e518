"""Complaint pages: portal. Each module of this package lists its own ``urlpatterns``."""

urlpatterns: list = []
