"""The serializer bases of hima_service.api. OutputSerializer: fields copied per instance
render exactly as DRF's deep copies do, and no instance sees another's bound fields. The shared
fields (SharedFieldsOutputSerializer, SharedFieldsInputSerializer): bound once per class, they
render and validate each instance's own data, from many threads at once, and a field that
would read its parent or the context is refused."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from rest_framework import serializers

from hima_service.api import (
    OutputSerializer,
    SharedFieldsInputSerializer,
    SharedFieldsOutputSerializer,
)


class _Line(OutputSerializer):
    code = serializers.CharField(source="kind.code")
    minutes = serializers.IntegerField()


class _Car(OutputSerializer):
    vin = serializers.CharField()


class _Visit(OutputSerializer):
    reference = serializers.CharField()
    car = _Car()
    lines = _Line(many=True)
    label = serializers.SerializerMethodField()

    def get_label(self, visit) -> str:
        return f"{visit.reference} ({len(visit.lines)})"


class _DeepVisit(serializers.Serializer):
    """The same fields with DRF's own deep copies, to compare against."""

    reference = serializers.CharField()
    car = type("_DeepCar", (serializers.Serializer,), {"vin": serializers.CharField()})()
    lines = type(
        "_DeepLine",
        (serializers.Serializer,),
        {
            "code": serializers.CharField(source="kind.code"),
            "minutes": serializers.IntegerField(),
        },
    )(many=True)
    label = serializers.SerializerMethodField()

    def get_label(self, visit) -> str:
        return f"{visit.reference} ({len(visit.lines)})"


def _visit(reference: str, vin: str, *codes: str) -> SimpleNamespace:
    return SimpleNamespace(
        reference=reference,
        car=SimpleNamespace(vin=vin),
        lines=[SimpleNamespace(kind=SimpleNamespace(code=c), minutes=30) for c in codes],
    )


def test_renders_what_drfs_deep_copies_render():
    visit = _visit("HS-1", "LVIN1", "oil", "tyres")
    assert _Visit(visit).data == _DeepVisit(visit).data
    assert _Visit([visit, _visit("HS-2", "LVIN2")], many=True).data == (
        _DeepVisit([visit, _visit("HS-2", "LVIN2")], many=True).data
    )
    assert _Visit(visit).data["label"] == "HS-1 (2)"


def test_each_instance_binds_fields_of_its_own_and_the_declared_ones_stay_unbound():
    first, second = _Visit(_visit("HS-1", "A")), _Visit(_visit("HS-2", "B", "oil"))
    assert first.data["car"] == {"vin": "A"}
    assert second.data["car"] == {"vin": "B"}
    assert first.fields["car"] is not second.fields["car"]
    assert first.fields["car"].parent is first
    assert second.fields["car"].parent is second
    assert first.fields["car"].fields["vin"] is not second.fields["car"].fields["vin"]
    assert first.fields["lines"].child is not second.fields["lines"].child
    assert first.fields["lines"].child.parent is first.fields["lines"]
    assert _Visit._declared_fields["lines"].child.parent is _Visit._declared_fields["lines"]
    declared = _Visit._declared_fields
    assert declared["car"].parent is None
    assert declared["reference"].parent is None
    assert "fields" not in declared["car"].__dict__


class _SharedVisit(SharedFieldsOutputSerializer):
    reference = serializers.CharField()
    car = _Car()
    lines = _Line(many=True)


def _deep(visit: SimpleNamespace) -> dict:
    data = dict(_DeepVisit(visit).data)
    del data["label"]
    return data


def test_shared_fields_are_bound_once_and_render_each_instance_as_drf_does():
    first, second = _visit("HS-1", "A", "oil", "tyres"), _visit("HS-2", "B")
    assert _SharedVisit(first).data == _deep(first)
    assert _SharedVisit(second).data == _deep(second)
    assert _SharedVisit(first).fields is _SharedVisit(second).fields
    listed = _SharedVisit([first, second], many=True).data
    assert listed == [_deep(first), _deep(second)]


def test_shared_fields_render_the_right_instance_from_many_threads_at_once():
    visits = [_visit(f"HS-{n}", f"VIN{n}", *(["oil"] * (n % 4))) for n in range(400)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        rendered = list(pool.map(lambda visit: _SharedVisit(visit).data, visits))
    assert rendered == [_deep(visit) for visit in visits]


def test_a_method_field_cannot_be_shared_however_deep_it_sits():
    class _Labelled(SharedFieldsOutputSerializer):
        label = serializers.SerializerMethodField()

        def get_label(self, visit) -> str:
            return visit.reference

    class _Inner(OutputSerializer):
        label = serializers.SerializerMethodField()

        def get_label(self, car) -> str:
            return car.vin

    class _Nested(SharedFieldsOutputSerializer):
        cars = _Inner(many=True)

    with pytest.raises(TypeError, match=r"_Labelled\.label is a SerializerMethodField"):
        _Labelled(_visit("HS-1", "A")).data  # noqa: B018
    with pytest.raises(TypeError, match=r"_Nested\.cars\.child\.label is a SerializerMethod"):
        _Nested(SimpleNamespace(cars=[])).data  # noqa: B018


class _Order(SharedFieldsInputSerializer):
    vehicle = serializers.IntegerField(min_value=1)
    codes = serializers.ListField(child=serializers.CharField(max_length=4), min_length=1)
    notes = serializers.CharField(required=False, default="")


def _validated(data: dict) -> tuple[bool, dict]:
    order = _Order(data=data)
    valid = order.is_valid()
    return valid, (dict(order.validated_data) if valid else order.errors)


def test_shared_input_fields_validate_each_instance_on_its_own_from_many_threads():
    good = [{"vehicle": n, "codes": [f"c{n % 10}"]} for n in range(1, 300)]
    bad = [{"vehicle": 0, "codes": ["toolong"]} for _ in range(100)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(_validated, good + bad))
    assert results[: len(good)] == [
        (True, {"vehicle": n, "codes": [f"c{n % 10}"], "notes": ""}) for n in range(1, 300)
    ]
    for valid, errors in results[len(good) :]:
        assert not valid
        assert set(errors) == {"vehicle", "codes"}
        assert "4" in str(errors["codes"])  # the child's max_length, from the shared child
    assert _Order(data={}).fields is _Order(data={}).fields


def test_an_input_field_that_reads_the_context_cannot_be_shared():
    class _Mine(SharedFieldsInputSerializer):
        owner = serializers.HiddenField(default=serializers.CurrentUserDefault())

    with pytest.raises(TypeError, match=r"_Mine\.owner has a default or a validator"):
        _Mine(data={}).is_valid()
