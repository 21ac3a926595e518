"""Security in the Django admin: read-mostly views; changes go through the services and pages."""
