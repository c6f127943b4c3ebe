from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Logg och säkerhet")

    def ready(self) -> None:
        # The models of the other apps are tracked from here, so none of them
        # imports auditlog or carries a per-model history table.
        from . import registry

        registry.register_tracked_models()
