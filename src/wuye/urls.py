from django.contrib import admin
from django.urls import include, path, re_path

from wuye.api import api, api_not_found
from wuye.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # Anything else under the API (/api/v1 itself, a path with a newline): its JSON 404.
    re_path(r"^api/v1(?:/[\s\S]*)?$", api_not_found),
    path("i18n/setlang/", web_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("wuye.web.urls")),
]
