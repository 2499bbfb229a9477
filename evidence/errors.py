"""The evidence store's own errors, each a subclass of the engine tree so it keeps its exit code.

Exit codes (DESIGN section 5): anything that fails verification, or a decision that could not be
recorded, is 5; a store that cannot be reached or opened is a configuration problem, 3; a file the
user named that cannot be read as a bundle or a key file is an input problem, 4.
"""

from __future__ import annotations

from ..engine.errors import EvidenceIntegrityError, InputError, PolicyError


class TamperError(EvidenceIntegrityError):
    """Verification failed; `index` is the first log index (or checkpoint size) found bad."""

    def __init__(self, index: int, message: str, hint: str | None = None):
        super().__init__(f"index {index}: {message}", hint=hint)
        self.index = index
        self.reason = message


class MalformedRecordError(EvidenceIntegrityError):
    """A stored or exported record is not well-formed JSON, base64 or note text."""


class RecordingError(EvidenceIntegrityError):
    """A decision could not be made durable; it must never be reported as recorded."""


class StoreUnavailableError(PolicyError):
    """The evidence store URL cannot be used: bad scheme, unreachable server, newer schema."""


class KeyFileError(InputError):
    """A key file or trusted-keys file cannot be read or holds no usable Ed25519 key."""


class BundleFormatError(InputError):
    """An export bundle cannot be opened or lacks a required member."""
