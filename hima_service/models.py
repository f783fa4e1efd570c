"""The core's one table: the stored answers behind `Idempotency-Key` (hima_service.idempotency)."""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """The first answer to a POST carrying an `Idempotency-Key`, replayed for repeats."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotencykey_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotencykey_created_at")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
