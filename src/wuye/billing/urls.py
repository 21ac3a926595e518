"""URLs of the fees pages: each views module lists its own patterns."""

from django.urls import include, path

from .views import (
    desk,
    disclosures,
    documents,
    dunning,
    gateway,
    lawyer_letters,
    meters,
    notices,
    reports,
    rooms,
    runs,
)

app_name = "billing"
urlpatterns = [
    path(
        "",
        include(
            [*gateway.urlpatterns, *rooms.urlpatterns, *runs.urlpatterns, *desk.urlpatterns,
             *notices.urlpatterns, *documents.urlpatterns, *dunning.urlpatterns,
             *lawyer_letters.urlpatterns, *meters.urlpatterns, *disclosures.urlpatterns,
             *reports.urlpatterns]
        ),
    ),
]  # fmt: skip
