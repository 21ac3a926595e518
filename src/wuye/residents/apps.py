from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "wuye.residents"
    label = "residents"
    verbose_name = _("业主入住")

    def ready(self) -> None:
        from . import processes  # noqa: F401 - declares the move-in processes at start-up
