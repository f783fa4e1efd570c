from rest_framework import serializers

from accounts.codes import CODE_PATTERN


class PhoneInputSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=32)


class EmailInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)


class CodeInputSerializer(serializers.Serializer):
    code = serializers.RegexField(CODE_PATTERN, max_length=12)


class CodeSentOutputSerializer(serializers.Serializer):
    sent_to = serializers.CharField(help_text="the address the code went to, masked")
    expires_at = serializers.DateTimeField()


class ChannelVerifiedOutputSerializer(serializers.Serializer):
    address = serializers.CharField()
    verified_at = serializers.DateTimeField()


class CounterVerifyInputSerializer(serializers.Serializer):
    booking = serializers.CharField(max_length=12, help_text="the reference of the car's visit")
    phone = serializers.CharField(
        max_length=32, help_text="the verified phone of the owner named on the certificate"
    )


class _MaskedOwner(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


class CounterVerifiedOutputSerializer(serializers.Serializer):
    vin = serializers.CharField()
    owner = _MaskedOwner()
    verified_at = serializers.DateTimeField()
    via = serializers.CharField()


class PasswordResetInputSerializer(serializers.Serializer):
    account = serializers.CharField(
        max_length=254, help_text="the username, or a phone or e-mail address the account verified"
    )


class PasswordResetRequestedOutputSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="the same sentence whether or not a code was sent")


class PasswordResetConfirmInputSerializer(PasswordResetInputSerializer):
    code = serializers.RegexField(CODE_PATTERN, max_length=12)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)
