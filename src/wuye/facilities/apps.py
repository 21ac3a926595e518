from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "wuye.facilities"
    label = "facilities"
    verbose_name = _("设施设备")

    def ready(self) -> None:
        from . import processes  # noqa: F401 - declares the facilities processes at start-up
        from .services import alarms

        alarms.register()  # monitoring alarms on equipment become anomalies and faults
