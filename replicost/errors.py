"""Errors a user can act on, each with the exit code the CLI returns for it.

Exit codes are a contract: 0 success, 2 bad input or a rejected token (bad file, bad flag, 401),
1 any other failure (network, server). Library code raises these; the CLI turns them into one line
on stderr and never shows a traceback for them.
"""

from __future__ import annotations


class ReplicostError(Exception):
    """Base class: a failure with a one-line message and an exit code."""

    exit_code = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self)


class InputError(ReplicostError):
    """Bad input from the user: a file that does not parse, a flag out of range."""

    exit_code = 2


class DatabaseError(ReplicostError):
    """The local database is missing, corrupt, locked or of a newer schema."""

    exit_code = 2


class DatabaseBusyError(DatabaseError):
    """Another replicost process holds the database (a sync is running)."""

    exit_code = 1
