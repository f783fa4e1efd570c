"""Human-friendly booking references, e.g. HS-7K2P9Q."""

from __future__ import annotations

import secrets

# No 0/O and no 1/I: a reference is read aloud on the phone and typed from a text message.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PREFIX = "HS-"
LENGTH = 6


def new_reference() -> str:
    """A random reference (32^6 ≈ 1.07e9 values); the unique index settles the rare collision."""
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
