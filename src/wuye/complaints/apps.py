from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "wuye.complaints"
    label = "complaints"
    verbose_name = _("投诉")

    def ready(self) -> None:
        from . import processes  # noqa: F401 - declares the complaint process at start-up
