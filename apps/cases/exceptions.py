"""Errors case services raise that callers turn into answers (a form error, 400, 409)."""

from django.core.exceptions import ValidationError


class IllegalTransition(ValidationError):
    """The case (or order) cannot move to the asked status from where it is. Renders as a 400."""

    def __init__(self, message: str) -> None:
        super().__init__({"status": message})


class ConflictError(Exception):
    """The case changed since the caller read it: its version is no longer `expected_version`.

    The API answers 409; the workspace reloads the case and shows what changed.
    """

    def __init__(self, *, reference: str, expected_version: int, current_version: int) -> None:
        self.reference = reference
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"{reference} was changed by someone else "
            f"(version {current_version}, you had {expected_version}). "
            "Reload it and try again."
        )
