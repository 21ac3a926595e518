from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "wuye.handover"
    label = "handover"
    verbose_name = _("前期介入与接管验收")

    def ready(self) -> None:
        from . import processes  # noqa: F401 - declares the handover processes at start-up
