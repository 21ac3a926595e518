"""Admin of environment: read-mostly views of its records for administrators."""

from django.contrib import admin  # noqa: F401

from . import models  # noqa: F401

# --- Cleaning (h-clean) ---


# --- Inspection and rectification (h-inspect) ---


# --- Greening (h-green) ---


# --- Store and pest control (h-store) ---


# --- Board (h-board) ---
