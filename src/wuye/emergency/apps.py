from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "wuye.emergency"
    label = "emergency"
    verbose_name = _("应急处理")

    def ready(self) -> None:
        from . import processes  # noqa: F401  (registers the declared process)
        from .services import groups  # noqa: F401  (the command group as an escalation role)
        from .services.lift import register as register_trapped_alarm
        from .services.ppe import register as register_ppe_checks

        register_trapped_alarm()  # EMERG-LIFT: the ``trapped`` alarm opens an entrapment
        register_ppe_checks()  # EMERG-HEALTH-11: mask and gloves when a shift starts
