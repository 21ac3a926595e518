from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "wuye.quality"
    label = "quality"
    verbose_name = _("品质管理")
