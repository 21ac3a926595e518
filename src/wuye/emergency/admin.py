"""Admin of emergencies: read-mostly views of the records (the services write them)."""

from django.contrib import admin

from . import models

# --- Incidents, groups, plans, supplies (h-incidents) ---


# --- Elevator entrapment (h-lift) ---


# --- Outages (h-outage) ---


# --- Public health (h-health) ---

admin.site.register(models.EmergencyGroup)
