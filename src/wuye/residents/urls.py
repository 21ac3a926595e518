from . import pages

app_name = "residents"
urlpatterns = [*pages.urlpatterns]
