from django.urls import include, path

from .views import desk, kpis, pdf, portal, tech

app_name = "repairs"

urlpatterns = [
    path(
        "",
        include(
            [*desk.urlpatterns, *tech.urlpatterns, *portal.urlpatterns, *pdf.urlpatterns,
             *kpis.urlpatterns]
        ),
    ),
]  # fmt: skip
