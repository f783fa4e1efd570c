"""What people type, as they type it: full-width digits from a Chinese input method, and two
sign-ups racing for one name."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import OneTimeCode, User
from accounts.phones import normalize_phone
from accounts.services import user_register
from accounts.tests.factories import UserFactory
from bookings.tests.factories import sent_code
from conftest import client_for

pytestmark = pytest.mark.django_db

FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")


def test_a_phone_typed_in_full_width_digits_is_the_same_phone():
    assert normalize_phone("１３９ ００００ ０００１") == "+8613900000001"
    assert normalize_phone("+8613900000001".translate(FULL_WIDTH)) == "+8613900000001"


def test_digits_of_another_script_are_not_a_phone():
    with pytest.raises(ValidationError):
        normalize_phone("١٣٩٠٠٠٠٠٠٠١")  # Arabic-Indic: one phone, one spelling


def test_the_right_code_in_full_width_digits_is_the_right_code():
    user = UserFactory()
    api = client_for(user)
    assert api.post("/api/v1/me/phone/", {"phone": "13900000001"}, format="json").status_code == 202
    code = sent_code(user).translate(FULL_WIDTH)
    response = api.post("/api/v1/me/phone/verify/", {"code": code}, format="json")
    assert response.status_code == 200, response.json()
    assert OneTimeCode.objects.get().attempts == 0


def test_a_sign_up_that_loses_the_race_for_its_name_is_told_so(monkeypatch):
    """Two sign-ups of "Lihua" and "lihua" at once both pass the check; the database lets one
    in, and the other hears the name is taken, not a 500."""
    UserFactory(username="lihua")
    monkeypatch.setattr(User, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as refused:
        user_register(username="Lihua", password="Wenjie-M9-2026")
    assert refused.value.message_dict == {"username": ["This username is already taken."]}
