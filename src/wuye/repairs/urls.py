from django.urls import include, path

from .views import desk, kpis, pdf, portal, steps, tech

app_name = "repairs"

urlpatterns = [
    path(
        "",
        include(
            [*desk.urlpatterns, *steps.urlpatterns, *tech.urlpatterns, *portal.urlpatterns,
             *pdf.urlpatterns, *kpis.urlpatterns]
        ),
    ),
]  # fmt: skip
