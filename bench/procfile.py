"""The Procfile's process lines, read by the benches that start the processes `make run` starts,
so that what they measure is what runs (no Django: any bench may import it first)."""

from __future__ import annotations

import shlex
from pathlib import Path

PROCFILE = Path(__file__).resolve().parent.parent / "Procfile"


def procfile_command(kind: str) -> list[str]:
    """The Procfile's line for `kind` (web, worker, audit, beat), split into arguments."""
    for line in PROCFILE.read_text().splitlines():
        if line.startswith(f"{kind}:"):
            return shlex.split(line.removeprefix(f"{kind}:").strip())
    raise SystemExit(f"Procfile has no {kind} line.")


def with_option(command: list[str], option: str, value: str) -> list[str]:
    """The command with `option`'s value replaced (or the option added)."""
    if option in command:
        at = command.index(option)
        return [*command[: at + 1], value, *command[at + 2 :]]
    return [*command, option, value]


def option_value(command: list[str], option: str) -> str:
    """The value `command` gives `option`; SystemExit when it gives none."""
    if option not in command[:-1]:
        raise SystemExit(f"`{shlex.join(command)}` sets no {option}.")
    return command[command.index(option) + 1]
