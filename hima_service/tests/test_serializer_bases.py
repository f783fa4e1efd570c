"""The API's serializers are DRF's own: every serializer derives from DRF's bases with nothing
shared between instances, so each request binds fresh fields and `partial=True` means what DRF
says it means on the endpoints that update part of an object."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest
from rest_framework import serializers

from accounts.serializers import MeUpdateSerializer
from bookings.serializers import BookingCreateInputSerializer
from outlets.serializers import BayUpdateInputSerializer
from vehicles.serializers import VehicleUpdateInputSerializer

SERIALIZER_MODULES = [
    "accounts.serializers",
    "bookings.serializers",
    "bookings.availability.serializers",
    "outlets.serializers",
    "recalls.serializers",
    "vehicles.serializers",
]


def _modules(name: str) -> list[ModuleType]:
    """The module, and every module inside it when it is a package."""
    module = importlib.import_module(name)
    inside = pkgutil.iter_modules(getattr(module, "__path__", []), prefix=f"{name}.")
    return [module, *(importlib.import_module(found.name) for found in inside)]


def _serializers() -> list[type[serializers.BaseSerializer]]:
    found = []
    for name in SERIALIZER_MODULES:
        for module in _modules(name):
            found += [
                value
                for value in vars(module).values()
                if inspect.isclass(value)
                and issubclass(value, serializers.BaseSerializer)
                and value.__module__ == module.__name__
            ]
    return found


@pytest.mark.parametrize("serializer_class", _serializers(), ids=lambda cls: cls.__name__)
def test_every_serializer_is_a_plain_drf_serializer(serializer_class):
    # Its fields come from DRF's own `fields` and `get_fields`: built for each instance.
    assert serializer_class.fields is serializers.Serializer.fields
    assert serializer_class.get_fields in (
        serializers.Serializer.get_fields,
        serializers.ModelSerializer.get_fields,
    )


def test_two_instances_never_share_a_field():
    first, second = BookingCreateInputSerializer(), BookingCreateInputSerializer()
    assert all(first.fields[name] is not second.fields[name] for name in first.fields)
    assert first.fields["mode"].parent is first


def test_partial_leaves_out_what_was_not_sent_and_its_defaults():
    sent = {"notes": "rear door rattles"}
    partial = BookingCreateInputSerializer(data=sent, partial=True)
    assert partial.is_valid(), partial.errors
    assert partial.validated_data == sent  # no defaults for the fields not sent

    whole = BookingCreateInputSerializer(data=sent)
    assert not whole.is_valid()
    assert {"vehicle", "outlet", "services", "start"} <= set(whole.errors)


@pytest.mark.parametrize(
    ("serializer_class", "sent"),
    [
        (MeUpdateSerializer, {"language": "zh-hans"}),
        (BayUpdateInputSerializer, {"is_active": False}),
        (VehicleUpdateInputSerializer, {"plate": "沪A12345"}),
    ],
)
def test_the_partial_updates_keep_only_what_was_sent(serializer_class, sent):
    serializer = serializer_class(data=sent, partial=True)
    assert serializer.is_valid(), serializer.errors
    assert dict(serializer.validated_data) == sent
