from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "wuye.repairs"
    label = "repairs"
    verbose_name = _("报修")

    def ready(self) -> None:
        from . import processes  # noqa: F401 - declares the repair process at start-up
