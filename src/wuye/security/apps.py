from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "wuye.security"
    label = "security"
    verbose_name = _("秩序消防")

    def ready(self) -> None:
        from wuye.fieldwork.processes import register_followup

        from . import processes
        from .services.fire_checks import fire_check_followup

        # FIRE-06: a flagged fire check's answer opens the extinguisher's replacement (or field
        # work's generic follow-up for anything else).
        register_followup(processes.FIRE_CHECK_KIND, fire_check_followup)
