"""Model instances read from and written as plain SQL rows, for the booking write path.

The ORM spends about a millisecond of CPU compiling each query of the booking create; the
create runs a dozen of them, and over HTTP it is bound by that CPU. These helpers skip the
compiler and nothing else: the rows become ordinary model instances through `Model.from_db`
with each field's database converters applied (a JSONField's text becomes its value), and an
INSERT takes each field's `pre_save` (auto_now) and `get_db_prep_save`, as the ORM's own
insert does. Callers write their SQL with `columns()`, so a field added to a model is read
without touching them. Only for the few hot queries: everything else keeps the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@cache
def _fields(model: type[Model]) -> tuple[Field, ...]:
    return tuple(model._meta.concrete_fields)


@cache
def _converters(model: type[Model]) -> tuple[tuple[int, tuple[Any, ...], Field], ...]:
    # Computed once per model: which columns need a converter (JSON text, for one).
    return tuple(
        (index, tuple(converters), field)
        for index, field in enumerate(_fields(model))
        if (converters := field.get_db_converters(connection))
    )


@cache
def columns(model: type[Model], alias: str) -> str:
    """Every concrete column of `model` as `alias."column"`, in field order, for a SELECT
    whose rows `instance()` reads."""
    return ", ".join(f'{alias}."{field.column}"' for field in _fields(model))


def width(model: type[Model]) -> int:
    """How many columns `columns(model, …)` selects."""
    return len(_fields(model))


def instance(model: type[M], row: Sequence[Any], offset: int = 0) -> M:
    """The `model` instance in `row[offset:offset + width(model)]`, as the ORM would load it."""
    values = list(row[offset : offset + width(model)])
    for index, converters, field in _converters(model):
        for converter in converters:
            values[index] = converter(values[index], field, connection)
    return model.from_db(DEFAULT_DB_ALIAS, None, values)


def cursor() -> CursorWrapper:
    """A cursor for these statements: psycopg's server-side binding, so that PostgreSQL
    prepares each statement once per connection (settings: `prepare_threshold`) and then only
    executes it. Planning the create's joins took more of PostgreSQL's CPU than running them.
    Wrapped as Django wraps its own (logged and counted in tests, Django's exceptions); the
    ORM's cursors keep client-side binding and are never prepared."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)
    if connection.queries_logged:
        return _LoggedCursor(raw, connection)
    return connection.make_cursor(raw)


class _LoggedCursor(CursorDebugWrapper):
    """Django's debug cursor, logging each statement as written, with its parameters beside
    it: Django reads the text psycopg last sent, which for a prepared statement is none."""

    def execute(self, sql: str, params: Any = None) -> Any:
        with self.debug_sql(sql, params, use_last_executed_query=False):
            return CursorWrapper.execute(self, sql, params)


def fetch_all(sql: str, params: Sequence[Any] | dict[str, Any]) -> list[tuple]:
    with cursor() as prepared:
        prepared.execute(sql, params)
        return prepared.fetchall()


def insert_parts(objs: Sequence[Model]) -> tuple[str, str, list[Any]]:
    """The quoted column list, the VALUES groups and the parameters of an INSERT of unsaved
    instances of one model, every column but the primary key: each field's `pre_save`
    (auto_now) and `get_db_prep_save`, as the ORM's own insert. For statements that add a
    clause of their own (ON CONFLICT, a CTE); `insert()` for a plain one."""
    fields = [field for field in _fields(type(objs[0])) if not field.primary_key]
    group = f"({', '.join(['%s'] * len(fields))})"
    params = [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection)
        for obj in objs
        for field in fields
    ]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return names, ", ".join([group] * len(objs)), params


def mark_saved(obj: Model, pk: Any) -> None:
    """What save() leaves on an instance it inserted."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS


def insert(objs: Sequence[Model]) -> None:
    """INSERT unsaved instances of one model in one statement, setting their primary keys
    and auto_now(_add) fields as `save()` would; no signals are sent (the project has none on
    these models)."""
    if not objs:
        return
    meta = type(objs[0])._meta
    names, values, params = insert_parts(objs)
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(meta.pk.column)
    returned = fetch_all(
        f"INSERT INTO {table} ({names}) VALUES {values} RETURNING {pk}",  # noqa: S608
        params,
    )
    for obj, (pk_value,) in zip(objs, returned, strict=True):
        mark_saved(obj, pk_value)


def insert_together(*groups: Sequence[Model]) -> None:
    """insert() for instances of several models in one statement (one CTE per model), for
    rows written together that do not refer to each other: one round trip instead of one per
    model. Empty groups are skipped."""
    groups = tuple(group for group in groups if group)
    if not groups:
        return
    ctes, selects, params = [], [], []
    for n, group in enumerate(groups):
        meta = type(group[0])._meta
        names, values, group_params = insert_parts(group)
        table = connection.ops.quote_name(meta.db_table)
        pk = connection.ops.quote_name(meta.pk.column)
        ctes.append(f"g{n} AS (INSERT INTO {table} ({names}) VALUES {values} RETURNING {pk})")
        selects.append(f"SELECT {n}, {pk} FROM g{n}")
        params += group_params
    # Within one INSERT the ids come from the sequence in VALUES order: sorted, they match.
    returned = fetch_all(
        f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)} ORDER BY 1, 2", params
    )
    ids: list[list[Any]] = [[] for _ in groups]
    for n, pk_value in returned:
        ids[n].append(pk_value)
    for group, group_ids in zip(groups, ids, strict=True):
        for obj, pk_value in zip(group, group_ids, strict=True):
            mark_saved(obj, pk_value)
