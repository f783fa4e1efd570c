"""A photo's files go with its row, however the row goes (photo_delete, or a booking's deletion
cascading to its photos): once the transaction commits, so a rollback keeps both."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Photo


@receiver(post_delete, sender=Photo, dispatch_uid="workshop.photo_files")
def delete_photo_files(sender, instance: Photo, **kwargs) -> None:
    names = [name for name in (instance.image.name, instance.thumbnail.name) if name]
    storage = instance.image.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
