"""One exception tree whose members know their process exit code.

Only the command line turns these into exits. Every message says what went wrong, where
(file, line, column when known) and, where it helps, what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceLocation:
    """A place in a source file: a policy, a manifest, a plan. Line and column are 1-based."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class GavelError(Exception):
    """Base of every error gavel reports to a user; `exit_code` follows DESIGN section 5."""

    exit_code = 1

    def __init__(self, message: str, location: SourceLocation | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def one_line(self) -> str:
        """The single line a user sees: `where: what (hint)`."""
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} ({self.hint})" if self.hint else text

    def __str__(self) -> str:
        return self.one_line()


class UsageError(GavelError):
    """The command was called wrongly: a bad flag value, a missing argument."""

    exit_code = 2


class PolicyError(GavelError):
    """A policy or configuration cannot be used: Rego syntax, invalid metadata, bad waivers or data."""

    exit_code = 3


class InputError(GavelError):
    """An input document or an adapter's source cannot be read or understood."""

    exit_code = 4


class EvidenceIntegrityError(GavelError):
    """The evidence store or a bundle failed verification, or a decision could not be recorded."""

    exit_code = 5


class RuntimeUnavailableError(PolicyError):
    """The configured Rego runtime (e.g. an OPA server) cannot be reached or refused the bundle."""
