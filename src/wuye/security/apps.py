from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "wuye.security"
    label = "security"
    verbose_name = _("秩序消防")

    def ready(self) -> None:
        from . import processes  # noqa: F401 - declares the security processes at start-up
