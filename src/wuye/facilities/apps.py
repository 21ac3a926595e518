from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "wuye.facilities"
    label = "facilities"
    verbose_name = _("设施设备")

    def ready(self) -> None:
        from . import processes  # noqa: F401 - declares the facilities processes at start-up
        from .selectors import history  # noqa: F401 - faults and work done join the history
        from .services import alarms, followups

        alarms.register()  # monitoring alarms on equipment become anomalies and faults
        followups.register()  # flagged checks on equipment, open items at handover
