"""A forgotten password (DESIGN.md "Identity and trust"): a one-time code to a phone or e-mail
address the account has proven, then a new password given with that code. The code is
accounts.codes'; this module, which can reach the outbox, sends it.

Nothing tells a caller whether an account exists: an unknown name, an account with no verified
channel and one at its sending limit all get the answer a sent code gets, and a code given for
an unknown name the refusal a wrong one gets, since a phone number that is known here is
personal data (PIPL), not a fact for whoever types it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.codes import IssuedCode, code_check, code_issue, code_use
from accounts.lockout import lockout_clear
from accounts.models import OneTimeCode, User
from accounts.selectors import account_for_recovery
from accounts.services import password_validate, user_password_set
from hima_service.exceptions import TooManyAttempts

from ..models import Notification
from ..notify.identity import notify_code

Channel = Notification.Channel


def _proven(user: User) -> dict[str, str]:
    """The account's verified channels, each with its address."""
    proven: dict[str, str] = {}
    if user.phone_is_verified:
        proven[Channel.SMS] = user.phone
    if user.email_is_verified:
        proven[Channel.EMAIL] = user.email
    return proven


def _channel(user: User, identifier: str) -> tuple[str, str] | None:
    """Where the code goes: the e-mail address when that was typed, else the verified phone,
    else the verified e-mail address; None without a verified channel."""
    proven = _proven(user)
    order = [Channel.EMAIL, Channel.SMS] if "@" in identifier else [Channel.SMS, Channel.EMAIL]
    return next(((kind, proven[kind]) for kind in order if kind in proven), None)


def password_reset_requested() -> str:
    """What the API and the page answer every request, in the active language: the same
    sentence whether or not a code was sent."""
    return _(
        "If this names an account with a verified phone or e-mail address, a code to set a new "
        "password is on its way. It is valid for 10 minutes."
    )


def password_reset_request(*, identifier: str) -> IssuedCode | None:
    """Send a code for a new password to the account `identifier` names (its username, or a
    phone or e-mail address it verified: accounts.selectors.account_for_recovery). None, and
    nothing sent, for no such account, none with a verified channel, or one whose codes are at
    their sending limit (accounts.codes) — the caller answers the same in every case."""
    user = account_for_recovery(identifier=identifier)
    if user is None or (channel := _channel(user, identifier.strip())) is None:
        return None
    kind, target = channel
    try:
        with transaction.atomic():
            issued = code_issue(user=user, purpose=OneTimeCode.Purpose.PASSWORD, target=target)
            notify_code(issued=issued, channel=kind)
    except TooManyAttempts:
        return None
    return issued


def _not_proven() -> ValidationError:
    return ValidationError(
        {"code": [_("This code is wrong, has expired or was used; check it or ask for a new one.")]}
    )


def password_reset_confirm(*, identifier: str, code: str, new_password: str) -> User:
    """Give the account `identifier` names a new password, proven by the code
    password_reset_request sent.

    Until the code is proven, every refusal is the same sentence on the code (no such account,
    no code waiting, a wrong, expired or spent one): which of them it was, or a refusal of the
    password before the code, would tell whoever types a phone number whether it has an account
    here. Wrong tries are counted all the same (outside the transaction, so a refusal keeps
    them). The password is checked once the code is proven, and a refusal of it leaves the code
    waiting: a weak password costs no try. The code must have gone to a channel the account
    still has verified. Every API token and web session of the account ends, and its sign-in
    lockout is lifted."""
    user = account_for_recovery(identifier=identifier)
    if user is None:
        raise _not_proven()
    try:
        row = code_check(user=user, purpose=OneTimeCode.Purpose.PASSWORD, code=code, consume=False)
    except ValidationError as exc:
        raise _not_proven() from exc
    password_validate(user=user, new_password=new_password)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not code_use(row):
            raise _not_proven()
        if row.target.lower() not in {address.lower() for address in _proven(locked).values()}:
            raise ValidationError(
                {"code": [_("The address changed after this code was sent; ask for a new one.")]}
            )
        user_password_set(user=locked, new_password=new_password)
    lockout_clear(username=locked.username)
    return locked
