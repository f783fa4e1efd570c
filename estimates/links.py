"""The signed link an owner gets for their estimate: it binds the booking's reference, the
owner and the sending, and is signed with its own salt; the sending keeps its window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing

SALT = "estimates.link.v1"
# The owner's answer window (DESIGN.md: the link expires in 48 h). The sending row keeps the
# same bound, so the lines run out when the link does.
ANSWER_WINDOW = dt.timedelta(hours=48)


@dataclass(frozen=True)
class LinkGrant:
    reference: str
    owner_id: int
    sending_id: int


class LinkInvalid(Exception):
    """Tampered, malformed or for another salt: answered as a missing page."""


def link_token(*, reference: str, owner_id: int, sending_id: int) -> str:
    return signing.dumps({"r": reference, "o": owner_id, "s": sending_id}, salt=SALT)


def link_grant(token: str) -> LinkGrant:
    """What a token grants; LinkInvalid when it is not ours. Its age is not checked here: the
    sending row it names holds the window (expires_at), so an expired link of another owner
    still answers "not found", never "expired"."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    try:
        reference, owner_id, sending_id = str(data["r"]), int(data["o"]), int(data["s"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid from exc
    return LinkGrant(reference=reference, owner_id=owner_id, sending_id=sending_id)
