from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "wuye.fieldwork"
    label = "fieldwork"
    verbose_name = _("现场作业")

    def ready(self) -> None:
        from . import processes  # noqa: F401 - declares the follow-up process at start-up
