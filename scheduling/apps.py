from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Schema och pass")

    def ready(self) -> None:
        from . import input_version

        # The engine-input counter the month-end's stored findings depend on.
        input_version.connect()
