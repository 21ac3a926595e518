from . import intervention_pages, takeover_pages

app_name = "handover"
urlpatterns = [*intervention_pages.urlpatterns, *takeover_pages.urlpatterns]
