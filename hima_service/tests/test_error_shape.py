"""The error shape's `fields` is one flat list of messages per input, as the schema documents."""

from rest_framework.exceptions import ValidationError

from hima_service.api import exception_handler


def test_nested_field_errors_are_flattened_under_their_input():
    exc = ValidationError(
        {
            "services": {1: ["Unknown service."]},
            "hours": [{}, {"weekday": ["Too big."], "opens": ["Required."]}],
            "start": ["Not on the slot step."],
        }
    )
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data == {
        "code": "invalid",
        "detail": "Some fields are not valid.",
        "fields": {
            "services": ["1: Unknown service."],
            "hours": ["1.weekday: Too big.", "1.opens: Required."],
            "start": ["Not on the slot step."],
        },
    }
