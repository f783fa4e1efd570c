"""The outbox's own INSERTs, for the two statements the ORM cannot write: an insert that says
which rows were new (ON CONFLICT DO NOTHING … RETURNING), and a sent-log row written together
with its notification's status. Composed with psycopg.sql; each value as the ORM would save it
(the field's `pre_save` and `get_db_prep_save`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from psycopg import sql


def _fields(model: type[Model]) -> list[Field]:
    return [field for field in model._meta.get_fields() if field.concrete and not field.primary_key]


def _column(field: Field) -> str:
    assert field.column is not None  # noqa: S101 - a concrete field has a column
    return field.column


def insert_values(objs: Sequence[Model]) -> tuple[sql.Composable, sql.Composable, list[Any]]:
    """For an INSERT of unsaved instances of one model, every column but the primary key: the
    table and column list, the VALUES groups and their parameters."""
    model = type(objs[0])
    fields = _fields(model)
    group = sql.SQL("({})").format(sql.SQL(", ").join(sql.Placeholder() * len(fields)))
    into = sql.SQL("{} ({})").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(_column(field)) for field in fields),
    )
    params = [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        for obj in objs
        for field in fields
    ]
    return into, sql.SQL(", ").join([group] * len(objs)), params
