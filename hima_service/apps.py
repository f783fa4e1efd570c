from django.apps import AppConfig


class HimaServiceConfig(AppConfig):
    name = "hima_service"
    verbose_name = "HIMA Service"
