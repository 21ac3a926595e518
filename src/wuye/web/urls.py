"""URLs of the UI: the shell (``web:``), sign-in (un-namespaced names Django's auth settings use)
and the core pages (``core:``). Included from wuye/urls.py without a namespace of its own."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from . import views

web_patterns = [
    path("", views.home, name="home"),
    path("estate/switch/", views.estate_switch, name="estate_switch"),
    path("search/", views.search, name="search"),
]

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html",
            redirect_authenticated_user=True,
            # LoginView would show the host name ("Site") as site_name; ours is the system's name.
            extra_context={"site_name": settings.WUYE["SITE_NAME"]},
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="web/password_change.html",
            success_url=reverse_lazy("password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="web/password_change_done.html"),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("accounts/", include(auth_patterns)),
    path("", include((web_patterns, "web"))),
    path("", include("wuye.core.urls")),
    path("", include("wuye.workflow.urls")),
    path("", include("wuye.notify.urls")),
    path("", include("wuye.fieldwork.urls")),
    path("", include("wuye.repairs.urls")),
    path("", include("wuye.complaints.urls")),
    path("", include("wuye.billing.urls")),
    path("", include("wuye.handover.urls")),
    path("", include("wuye.residents.urls")),
    path("", include("wuye.facilities.urls")),
    path("", include("wuye.security.urls")),
    path("", include("wuye.environment.urls")),
    path("", include("wuye.emergency.urls")),
    path("", include("wuye.quality.urls")),
]
