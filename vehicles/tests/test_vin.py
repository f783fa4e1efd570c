import pytest
from django.core.exceptions import ValidationError

from vehicles.tests.factories import VehicleFactory, valid_vin
from vehicles.vin import make_vin, normalize_vin, vin_model_years

# Real-world VINs whose check digits are right (SAE examples and a Chinese-market one).
REAL_VINS = ["1M8GDM9AXKP042788", "11111111111111111", "LGWEF4A56R0123456"]


@pytest.mark.parametrize("vin", REAL_VINS)
def test_valid_vins_are_accepted(vin):
    assert normalize_vin(vin) == vin


def test_vin_is_upper_cased_and_trimmed():
    assert normalize_vin(" lgwef4a56r0123456 ") == "LGWEF4A56R0123456"


def test_a_vin_typed_in_full_width_is_read_as_ascii():
    # A Chinese input method in full-width mode types ＬＭ８…; the same keystrokes as ASCII.
    vin = valid_vin(1)
    assert normalize_vin("".join(chr(ord(c) + 0xFEE0) for c in vin)) == vin


def test_digits_of_another_script_are_refused():
    with pytest.raises(ValidationError):
        normalize_vin(valid_vin(1)[:-1] + "\u0663")  # ARABIC-INDIC DIGIT THREE


def test_generated_vins_pass_the_library_check():
    assert normalize_vin(valid_vin(42)) == valid_vin(42)
    assert make_vin("LM8AB2C3", "R0000042")[8] == valid_vin(42)[8]


@pytest.mark.django_db
def test_factory_cars_never_take_a_vin_a_test_picked_by_hand():
    # How many cars the tests before made depends on the day (the demo's history, say); a
    # factory car that took a test's hand-picked VIN made that test fail on some days only.
    VehicleFactory.reset_sequence(78)
    car = VehicleFactory()
    assert car.vin != valid_vin(78)
    assert normalize_vin(car.vin) == car.vin


@pytest.mark.parametrize(
    ("vin", "code"),
    [
        ("LGWEF4A57R0123456", "vin_checksum"),  # check digit off by one
        ("LGWEF4A56R012345", "vin_format"),  # 16 characters
        ("LGWEF4A56R01234567", "vin_format"),  # 18 characters
        ("LGWEF4A56R012345O", "vin_format"),  # letter O
        ("LGWEF4A56R012345I", "vin_format"),  # letter I
        ("LGWEF4A56R012345Q", "vin_format"),  # letter Q
        ("LGWEF4A56U0123456", "vin_year"),  # U is never a model-year code
        ("", "vin_format"),
    ],
)
def test_invalid_vins_are_refused(vin, code):
    with pytest.raises(ValidationError) as caught:
        normalize_vin(vin)
    assert caught.value.code == code


def test_model_years_of_a_vin_exclude_the_future():
    assert vin_model_years("LGWEF4A56R0123456") == [2024, 1994]
