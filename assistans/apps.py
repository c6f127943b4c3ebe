from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistansConfig(AppConfig):
    name = "assistans"
    verbose_name = _("Register")
