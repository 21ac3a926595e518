from wuye.handover.views import intervention as intervention_pages
from wuye.handover.views import takeover as takeover_pages

app_name = "handover"
urlpatterns = [*intervention_pages.urlpatterns, *takeover_pages.urlpatterns]
