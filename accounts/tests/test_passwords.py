"""The password validators refuse in the reader's language, every one of them."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "too_short"),
    [
        ("zh-hans", "密码长度太短。密码必须包含至少 8 个字符。"),
        ("en", "This password is too short. It must contain at least 8 characters."),
    ],
)
def test_a_short_common_numeric_password_is_refused_in_the_readers_language(language, too_short):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        validate_password("123")
    assert refused.value.messages[0] == too_short
    if language == "zh-hans":
        assert all(not message.isascii() for message in refused.value.messages)
