"""Domain errors carry a Japanese message meant for the user.

Services raise DomainError when a rule is broken; views turn it into a message
next to the form, management commands print it to stderr and exit non-zero.
"""

from __future__ import annotations


class DomainError(Exception):
    """A business rule was broken. `message` is Japanese and names the rule."""

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return self.message
