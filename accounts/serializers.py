from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext as _
from rest_framework import serializers

from .models import User, validate_time_zone


class RegisterInputSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    # Not trimmed, as at sign-in: spaces a person typed are part of the password.
    password = serializers.CharField(
        write_only=True, style={"input_type": "password"}, trim_whitespace=False, max_length=128
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    language = serializers.ChoiceField(choices=User.Language.choices, default=User.Language.ZH_HANS)
    time_zone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        default="",
        validators=[validate_time_zone],
        help_text="The IANA zone the owner lives in (default Asia/Shanghai).",
    )

    def validate_username(self, value: str) -> str:
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(_("This username is already taken."))
        return value

    def validate(self, attrs: dict) -> dict:
        candidate = User(username=attrs["username"], email=attrs.get("email", ""))
        try:
            validate_password(attrs["password"], candidate)
        except Exception as exc:  # django ValidationError: report as a field error
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class TokenInputSerializer(serializers.Serializer):
    # No username is longer (User.username), and a longer one would not fit the failed
    # attempt django-axes records.
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    expires = serializers.DateTimeField(
        help_text="When the token stops working (settings.API_TOKEN_HOURS after sign-in); "
        "POST /api/v1/auth/logout/ revokes it earlier, a password change revokes them all."
    )


class PasswordChangeInputSerializer(serializers.Serializer):
    old_password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=128
    )
    new_password = serializers.CharField(
        style={"input_type": "password"}, trim_whitespace=False, max_length=128
    )


class OutletRoleSerializer(serializers.Serializer):
    outlet = serializers.CharField()
    outlet_name = serializers.CharField()
    role = serializers.CharField()


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    # Not EmailField: an account without an address has "", which is not an e-mail address.
    email = serializers.CharField()
    phone = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    language = serializers.CharField()
    time_zone = serializers.CharField()
    email_notifications = serializers.BooleanField()
    sms_notifications = serializers.BooleanField()
    phone_is_verified = serializers.BooleanField()
    email_is_verified = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.CharField())
    outlet_staff = OutletRoleSerializer(many=True)
    brand_admin = serializers.ListField(child=serializers.CharField())
    alliance_admin = serializers.BooleanField()


class RegisterOutputSerializer(MeOutputSerializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class MeUpdateSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    language = serializers.ChoiceField(choices=User.Language.choices, required=False)
    time_zone = serializers.CharField(
        required=False, max_length=64, validators=[validate_time_zone]
    )
    email_notifications = serializers.BooleanField(required=False)
    sms_notifications = serializers.BooleanField(required=False)
