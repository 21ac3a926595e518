from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnvironmentConfig(AppConfig):
    name = "wuye.environment"
    label = "environment"
    verbose_name = _("环境管理")

    def ready(self) -> None:
        from . import processes  # noqa: F401  (registers the declared processes)
        from .services import weather  # noqa: F401  (CLEAN-07: a weather station's rain and heat)
