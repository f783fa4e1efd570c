"""Create the configured PostgreSQL database when it does not exist yet."""

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

from hima_service.health import START_POSTGRES


class Command(BaseCommand):
    help = "Create the database named in DATABASE_URL if it is missing (idempotent)."

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        params = {
            "host": db.get("HOST") or "localhost",
            "port": db.get("PORT") or 5432,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "dbname": "postgres",
            "connect_timeout": 5,
            "autocommit": True,
        }
        try:
            with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
                ).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
                    self.stdout.write(f"Created database {db['NAME']}.")
        except psycopg.OperationalError as exc:
            raise CommandError(
                f"PostgreSQL is not reachable at {params['host']}:{params['port']}; "
                f"{START_POSTGRES}."
            ) from exc
