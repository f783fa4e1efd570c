"""hima_service.api.OutputSerializer: fields copied per instance render exactly as DRF's deep
copies do, and no instance sees another's bound fields."""

from __future__ import annotations

from types import SimpleNamespace

from rest_framework import serializers

from hima_service.api import OutputSerializer


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
