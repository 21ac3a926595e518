"""Errors that services raise and the web and API layers turn into answers.

- ``django.core.exceptions.ValidationError`` — bad input (400 / form errors), field by field.
- ``django.core.exceptions.PermissionDenied`` — the role may not do this (403).
- ``django.http.Http404`` — outside the user's scope (404).
- ``Conflict`` — the object's state does not allow it now (409).
"""


class Conflict(Exception):
    """The request is valid but the current state does not allow it (HTTP 409)."""

    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
