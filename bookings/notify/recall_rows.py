"""The outbox rows of a batch of recall notices, written by PostgreSQL in one INSERT … SELECT.

A recall reaches a million cars at once: built in Python, each notice cost its rows' models,
their values prepared field by field and a statement of thousands of placeholders: many minutes
for a million cars (bench/recalls.py). Here the rows are made from the
affected-vehicle rows joined to their campaign, service, car (of the campaign's brand: never
another brand's car that shares a listed VIN) and owner, in the statement itself:
  key      `vehicle:<id>:recall_notice:<campaign>[:follow-up]:<channel>`, unique: a notice
           recorded twice is recorded once (ON CONFLICT DO NOTHING);
  channels every one with an address, opted out or not (a safety notice: outbox.SAFETY_KINDS),
           SMS first;
  context  the campaign's facts in both languages for the text
           (`bookings/templates/notifications/recall_notice.*`), frozen into the row.
Every other column is what the ORM would write for a new row (the model's defaults). Delivery
of the new rows is kicked after commit, as for every message (outbox.record_new).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Model
from psycopg import sql

from accounts.models import User
from outlets.models import ServiceType
from recalls.models import AffectedVehicle, RecallCampaign
from vehicles.models import Vehicle, VehicleModel

from ..models import Notification
from .dispatch import notifications_kick

Kind = Notification.Kind
Channel = Notification.Channel
# The columns the statement computes per row; every other one takes the model's default.
COMPUTED = ("key", "channel", "recipient", "vehicle", "context")

INSERT_SQL = sql.SQL("""
INSERT INTO {notifications} ({defaults}, key, channel, recipient_id, vehicle_id, context)
SELECT {default_values},
       'vehicle:' || v.id || ':' || %(kind)s || ':' || c.code || %(occurrence)s || ':'
           || ch.channel,
       ch.channel, u.id, v.id,
       jsonb_build_object(
           'title_zh', c.title_zh, 'title_en', c.title_en,
           'description_zh', c.description_zh, 'description_en', c.description_en,
           'service', s.code, 'service_name_en', s.name,
           'service_name_zh', COALESCE(NULLIF(s.name_zh, ''), s.name),
           'campaign', c.code, 'follow_up', %(follow_up)s)
FROM {affected} a
JOIN {campaigns} c ON c.id = a.campaign_id
JOIN {services} s ON s.id = c.service_type_id
JOIN {vehicles} v ON v.id = a.vehicle_id
JOIN {models} m ON m.id = v.model_id AND m.brand_id = c.brand_id
JOIN {users} u ON u.id = v.owner_id
CROSS JOIN LATERAL (VALUES (1, %(sms)s, u.phone), (2, %(email)s, u.email))
    AS ch(position, channel, address)
WHERE a.id = ANY(%(ids)s) AND ch.address <> ''
ORDER BY a.id, ch.position
ON CONFLICT DO NOTHING
RETURNING id
""")


def _defaults(now: datetime) -> tuple[list[Field], list[object]]:
    """The columns not computed, and their values for a new recall notice due `now`."""
    template = Notification(kind=Kind.RECALL_NOTICE, due_at=now)
    fields = [
        field
        for field in Notification._meta.concrete_fields
        if not field.primary_key and field.name not in COMPUTED
    ]
    return fields, [
        field.get_db_prep_save(field.pre_save(template, add=True), connection) for field in fields
    ]


def _table(model: type[Model]) -> sql.Identifier:
    return sql.Identifier(model._meta.db_table)


@transaction.atomic
def notify_recall_rows(*, affected_ids: Sequence[int], follow_up: bool, now: datetime) -> int:
    """The notices (or the one follow-up) of these affected-vehicle rows, one per channel with
    an address (module doc). Returns how many rows were new."""
    if not affected_ids:
        return 0
    fields, values = _defaults(now)
    statement = INSERT_SQL.format(
        notifications=_table(Notification),
        defaults=sql.SQL(", ").join([sql.Identifier(str(field.column)) for field in fields]),
        default_values=sql.SQL(", ").join([sql.Placeholder(f"d{i}") for i in range(len(fields))]),
        affected=_table(AffectedVehicle),
        campaigns=_table(RecallCampaign),
        services=_table(ServiceType),
        vehicles=_table(Vehicle),
        models=_table(VehicleModel),
        users=_table(User),
    )
    params: dict[str, Any] = {
        **{f"d{i}": value for i, value in enumerate(values)},
        "kind": Kind.RECALL_NOTICE.value,
        "occurrence": ":follow-up" if follow_up else "",
        "follow_up": follow_up,
        "sms": Channel.SMS.value,
        "email": Channel.EMAIL.value,
        "ids": list(affected_ids),
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        new = [pk for (pk,) in cursor.fetchall()]
    if new:
        transaction.on_commit(lambda: notifications_kick(notification_ids=new))
    return len(new)
