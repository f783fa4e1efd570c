"""The period is a range of local dates at each outlet: its bounds move with the outlet's zone
(and its daylight saving), not with UTC or the server's zone."""

import pytest

from outlets.tests.factories import OutletFactory

from .factories import Visit, local

pytestmark = pytest.mark.django_db

# 25 October 2026: Europe/Berlin leaves summer time (UTC+2 → UTC+1) at 03:00.
PERIOD = {"date_from": "2026-10-24", "date_to": "2026-10-25"}


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin"])
def test_a_booking_counts_on_its_local_date(zone, history, as_):
    outlet = OutletFactory(code="ZONE-01", time_zone=zone)
    edges = {
        "the evening before": local(zone, "2026-10-23", 23, 59),  # out
        "the first minute": local(zone, "2026-10-24", 0, 0),  # in (Berlin: 22:00 UTC the 23rd)
        "late on the last day": local(zone, "2026-10-25", 23, 30),  # in (Shanghai: 15:30 UTC)
        "just after midnight": local(zone, "2026-10-26", 0, 10),  # out (both: still the 25th UTC)
    }
    bookings = history.write(outlet, [Visit("AITO", start) for start in edges.values()])
    reference = dict(zip(edges, (b.reference for b in bookings), strict=True))
    client = as_("aito_admin")

    rows = client.get("/api/v1/audit/outlets/", {**PERIOD, "outlet": outlet.code}).json()["rows"]
    listed = client.get(f"/api/v1/audit/outlets/{outlet.code}/bookings/", PERIOD).json()

    assert rows[0]["bookings"] == 2
    assert [b["reference"] for b in listed["results"]] == [
        reference["the first minute"],
        reference["late on the last day"],
    ]


def test_two_zones_in_one_request(history, as_):
    """The same UTC instant is the 25th in Berlin and already the 26th in Shanghai."""
    shanghai = OutletFactory(code="SH-ZONE-01", time_zone="Asia/Shanghai")
    berlin = OutletFactory(code="DE-ZONE-01", time_zone="Europe/Berlin")
    instant = local("Europe/Berlin", "2026-10-25", 20, 0)  # 19:00 UTC; 03:00 the 26th in Shanghai
    history.write(shanghai, [Visit("AITO", instant)])
    history.write(berlin, [Visit("AITO", instant)])

    body = as_("aito_admin").get("/api/v1/audit/outlets/", PERIOD).json()

    rows = {row["outlet"]: row["bookings"] for row in body["rows"]}
    assert rows["DE-ZONE-01"] == 1
    assert rows["SH-ZONE-01"] == 0
    assert body["total"]["bookings"] == 1
