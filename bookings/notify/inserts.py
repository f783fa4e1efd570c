"""The outbox's own INSERTs, for the two statements the ORM cannot write: an insert that says
which rows were new (ON CONFLICT DO NOTHING … RETURNING), and a sent-log row written together
with its notification's status. Composed with psycopg.sql; each value as the ORM would save it
(the field's `pre_save` and `get_db_prep_save`)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from psycopg import sql


@functools.cache
def _fields(model: type[Model]) -> tuple[Field, ...]:
    return tuple(
        field for field in model._meta.get_fields() if field.concrete and not field.primary_key
    )


def _column(field: Field) -> str:
    assert field.column is not None  # noqa: S101 - a concrete field has a column
    return field.column


@functools.cache
def insert_parts(model: type[Model], rows: int) -> tuple[sql.Composable, sql.Composable]:
    """The table and column list and the VALUES groups of an INSERT of `rows` rows: composed
    once per model and row count, as a delivery writes the same one-row shape at every send."""
    fields = _fields(model)
    group = sql.SQL("({})").format(sql.SQL(", ").join(sql.Placeholder() * len(fields)))
    into = sql.SQL("{} ({})").format(
        sql.Identifier(model._meta.db_table),
        sql.SQL(", ").join(sql.Identifier(_column(field)) for field in fields),
    )
    return into, sql.SQL(", ").join([group] * rows)


def insert_values(objs: Sequence[Model]) -> tuple[sql.Composable, sql.Composable, list[Any]]:
    """For an INSERT of unsaved instances of one model, every column but the primary key: the
    table and column list, the VALUES groups and their parameters."""
    model = type(objs[0])
    params = [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        for obj in objs
        for field in _fields(model)
    ]
    return *insert_parts(model, len(objs)), params
