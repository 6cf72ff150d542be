"""Subcommands of `suishin report` (a small registry, so that other apps add
their own documents to the same command).

    from suishin.reports.commands import register_subcommand

    def add_arguments(parser):            # an argparse parser
        parser.add_argument("--meeting", required=True)

    def handle(command, **options):       # command: the BaseCommand (stdout, stderr, style)
        ...

    register_subcommand("meeting", add_arguments, handle, help="会議資料を作成します。")

Call it from your AppConfig.ready(). A DomainError raised by `handle` is
printed as the command's error (exit status 1), never as a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Subcommand:
    name: str
    add_arguments: Callable[[Any], None]
    handle: Callable[..., None]
    help: str = ""


_SUBCOMMANDS: dict[str, Subcommand] = {}


def register_subcommand(
    name: str, add_arguments: Callable[[Any], None], handle: Callable[..., None], *, help: str = ""
) -> None:
    _SUBCOMMANDS[name] = Subcommand(name, add_arguments, handle, help)


def get_subcommand(name: str) -> Subcommand | None:
    return _SUBCOMMANDS.get(name)


def subcommands() -> list[Subcommand]:
    return sorted(_SUBCOMMANDS.values(), key=lambda s: s.name)
