"""URLs of the handover pages: each views module lists its own patterns."""

from .views import intervention, suggestions, takeover, takeover_checklist

app_name = "handover"
urlpatterns = [
    *intervention.urlpatterns,
    *suggestions.urlpatterns,
    *takeover.urlpatterns,
    *takeover_checklist.urlpatterns,
]
