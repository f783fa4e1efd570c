import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.codes import (
    CODE_TTL,
    MAX_SENDS_PER_ACCOUNT,
    MAX_SENDS_PER_ACCOUNT_DAY,
    MAX_SENDS_PER_TARGET,
    MAX_TRIES,
    code_check,
    code_issue,
    code_use,
)
from accounts.masking import mask_name, mask_phone
from accounts.models import OneTimeCode
from accounts.phones import normalize_phone
from accounts.tests.factories import UnverifiedUserFactory
from hima_service.exceptions import TooManyAttempts

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"


def issue(user, target=PHONE, purpose=OneTimeCode.Purpose.PHONE):
    return code_issue(user=user, purpose=purpose, target=target)


def code_error(excinfo) -> str:
    return excinfo.value.message_dict["code"][0]


def test_a_code_is_six_digits_and_only_its_hmac_is_stored():
    issued = issue(UnverifiedUserFactory())
    assert len(issued.code) == 6
    assert issued.code.isdigit()
    row = OneTimeCode.objects.get()
    assert issued.code not in row.code_hash
    assert len(row.code_hash) == 64
    assert row.expires_at == row.created_at + dt.timedelta(minutes=10)


def test_the_right_code_proves_once():
    user = UnverifiedUserFactory()
    issued = issue(user)
    row = code_check(user=user, purpose=OneTimeCode.Purpose.PHONE, code=issued.code)
    assert row.used_at is not None
    with pytest.raises(ValidationError) as excinfo:
        code_check(user=user, purpose=OneTimeCode.Purpose.PHONE, code=issued.code)
    assert "No code is waiting" in code_error(excinfo)


def test_a_code_expires_after_ten_minutes(time_machine):
    user = UnverifiedUserFactory()
    issued = issue(user)
    time_machine.move_to(timezone.now() + CODE_TTL + dt.timedelta(seconds=1))
    with pytest.raises(ValidationError) as excinfo:
        code_check(user=user, purpose=OneTimeCode.Purpose.PHONE, code=issued.code)
    assert "expired" in code_error(excinfo)


def test_five_wrong_tries_kill_the_code_even_for_the_right_one_after():
    user = UnverifiedUserFactory()
    issued = issue(user)
    wrong = f"{(int(issued.code) + 1) % 1_000_000:06d}"
    for attempt in range(1, MAX_TRIES + 1):
        with pytest.raises(ValidationError):
            code_check(user=user, purpose=OneTimeCode.Purpose.PHONE, code=wrong)
        assert OneTimeCode.objects.get().attempts == attempt
    with pytest.raises(ValidationError) as excinfo:
        code_check(user=user, purpose=OneTimeCode.Purpose.PHONE, code=issued.code)
    assert "Too many wrong codes" in code_error(excinfo)
    assert OneTimeCode.objects.get().used_at is None


def test_a_new_code_replaces_the_earlier_one():
    user = UnverifiedUserFactory()
    first = issue(user)
    second = issue(user)
    if first.code != second.code:
        with pytest.raises(ValidationError):
            code_check(user=user, purpose=OneTimeCode.Purpose.PHONE, code=first.code)
    code_check(user=user, purpose=OneTimeCode.Purpose.PHONE, code=second.code)


def test_a_code_checked_but_not_consumed_waits_until_it_is_used_once():
    user = UnverifiedUserFactory()
    issued = issue(user)
    row = code_check(user=user, purpose=OneTimeCode.Purpose.PHONE, code=issued.code, consume=False)
    assert row.used_at is None
    again = code_check(
        user=user, purpose=OneTimeCode.Purpose.PHONE, code=issued.code, consume=False
    )
    assert code_use(again) is True
    assert code_use(row) is False  # a second request that proved it too comes second
    with pytest.raises(ValidationError):
        code_check(user=user, purpose=OneTimeCode.Purpose.PHONE, code=issued.code)


def test_sending_is_limited_per_number_across_accounts(time_machine):
    for _ in range(MAX_SENDS_PER_TARGET):
        issue(UnverifiedUserFactory())
    with pytest.raises(TooManyAttempts) as excinfo:
        issue(UnverifiedUserFactory())
    assert 0 < excinfo.value.retry_after <= 3600
    time_machine.move_to(timezone.now() + dt.timedelta(hours=1, seconds=1))
    issue(UnverifiedUserFactory())


def test_sending_is_limited_per_account_across_numbers():
    user = UnverifiedUserFactory()
    for n in range(MAX_SENDS_PER_ACCOUNT):
        issue(user, target=f"+86138001380{n:02d}")
    with pytest.raises(TooManyAttempts):
        issue(user, target="+8613800138099")


def test_an_account_is_sent_at_most_a_days_codes_however_they_are_spread(time_machine):
    user = UnverifiedUserFactory()
    first_sent = timezone.now()
    for n in range(MAX_SENDS_PER_ACCOUNT_DAY):
        issue(user, target=f"+86138001380{n:02d}")
        time_machine.move_to(timezone.now() + dt.timedelta(hours=2))  # never the hour's limit
    with pytest.raises(TooManyAttempts) as excinfo:
        issue(user, target="+8613800138099")
    # Another send is allowed once the first of the day's leaves the day.
    allowed_again = timezone.now() + dt.timedelta(seconds=excinfo.value.retry_after)
    assert abs(allowed_again - (first_sent + dt.timedelta(days=1))) <= dt.timedelta(seconds=1)
    time_machine.move_to(first_sent + dt.timedelta(days=1) - dt.timedelta(minutes=1))
    with pytest.raises(TooManyAttempts):
        issue(user, target="+8613800138099")
    time_machine.move_to(first_sent + dt.timedelta(days=1, seconds=1))
    issue(user, target="+8613800138099")


def test_a_number_has_no_daily_cap_as_a_fleets_phone_verifies_each_car(time_machine):
    for _hour in range(3):
        for _ in range(MAX_SENDS_PER_TARGET):
            issue(UnverifiedUserFactory())
        time_machine.move_to(timezone.now() + dt.timedelta(hours=1, seconds=1))
    issue(UnverifiedUserFactory())
    assert OneTimeCode.objects.filter(target=PHONE).count() > MAX_SENDS_PER_ACCOUNT_DAY


@pytest.mark.parametrize(
    ("name", "masked"), [("李", "李*"), ("欧阳", "欧*"), ("Hua", "H*"), ("", "")]
)
def test_names_are_masked_to_their_first_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("+8613800008000", "138****8000"), ("138 0000 8000", "138****8000")],
)
def test_phones_are_masked_to_the_first_three_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("typed", "normal"),
    [("13800138000", "+8613800138000"), ("+86 138-0013-8000", "+8613800138000")],
)
def test_phones_are_compared_in_one_form(typed, normal):
    assert normalize_phone(typed) == normal


def test_a_number_that_is_no_mobile_is_refused():
    with pytest.raises(ValidationError):
        normalize_phone("12345")
