"""An account is found by what a person types (its name in any case, a phone or e-mail address
it verified) through an index, never a scan of every account: at the alliance's size, two
million of them, a scan costs each sign-in, forgotten-password request and phone verification
a large part of a second. Each lookup's statement, as it ran, is planned with sequential scans
pushed away: without a usable index PostgreSQL scans anyway, and the plan says so."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.selectors import account_for_recovery
from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from bookings.identity.channels import phone_code_confirm, phone_code_request
from bookings.tests.factories import sent_code
from bookings.tests.plans import plan_indexes

pytestmark = pytest.mark.django_db

NAME = "user_username_upper_unique"


def indexes_walked(sql: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
        cursor.execute("RESET enable_seqscan")
    return plan_indexes(plan)


def statements(run, table: str = "accounts_user") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run()
    return [query["sql"] for query in queries.captured_queries if f'"{table}"' in query["sql"]]


@pytest.fixture
def li():
    UserFactory.create_batch(5)
    return UserFactory(username="Li.Wei", phone="+8613800138000", email="li@example.com")


def test_a_sign_in_finds_the_name_in_any_case_by_index(li):
    (sql,) = statements(lambda: User.objects.get_by_natural_key("li.wei"))
    assert indexes_walked(sql) == {NAME}


@pytest.mark.parametrize(
    ("typed", "indexes"),
    [("LI.WEI", {NAME}), ("138 0013 8000", {NAME, "user_verified_phone"}),
     ("LI@example.com", {NAME, "user_verified_email_upper"})],
)  # fmt: skip
def test_a_forgotten_password_finds_its_account_by_index(li, typed, indexes):
    (sql,) = statements(lambda: account_for_recovery(identifier=typed))
    assert indexes_walked(sql) == indexes


def test_a_newly_verified_phone_finds_its_earlier_holders_by_index(li):
    newcomer = UnverifiedUserFactory()
    phone_code_request(user=newcomer, phone=li.phone)
    code = sent_code(newcomer)
    updates = [
        sql
        for sql in statements(lambda: phone_code_confirm(user=newcomer, code=code))
        if sql.startswith("UPDATE") and "verified_phone" in sql.split("WHERE", 1)[-1]
    ]
    assert len(updates) == 1
    assert indexes_walked(updates[0]) == {"user_verified_phone"}
