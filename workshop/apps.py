from django.apps import AppConfig


class WorkshopConfig(AppConfig):
    name = "workshop"
    verbose_name = "Check-in inspection"

    def ready(self) -> None:
        from . import signals  # noqa: F401, PLC0415 - connects the photo files' clean-up
