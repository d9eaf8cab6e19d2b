"""The one exception tree of verify.

The library raises these and never prints or exits; the CLI turns each into one line
naming the input and an exit code.

    VerifyError
    ├── InputError            an input cannot be read or understood (names it)
    │   ├── EmptyInputError
    │   ├── DecodeError        binary or undecodable text
    │   ├── FormatError        malformed HTML / JSON / JSONL / CSV / front matter
    │   └── FetchError         a URL could not be fetched (status, timeout, size, type)
    ├── StoreError            the corpus store cannot be opened or written
    │   └── NotAStoreError     the file is corrupt or not a verify store (left untouched)
    ├── ModelError            a model is missing, corrupt or fails its hash check
    └── ConfigError           bad settings, alias file or command-line value
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DecodeError",
    "EmptyInputError",
    "FetchError",
    "FormatError",
    "InputError",
    "ModelError",
    "NotAStoreError",
    "StoreError",
    "VerifyError",
]


class VerifyError(Exception):
    """Base of every error verify raises on purpose."""


class InputError(VerifyError):
    """An input cannot be read or understood.

    origin: the path or URL of the input, so the message can name it.
    """

    def __init__(self, origin: str, message: str) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin
        self.message = message


class EmptyInputError(InputError):
    """The input holds no text."""


class DecodeError(InputError):
    """The input is binary or cannot be decoded as text."""


class FormatError(InputError):
    """The input is malformed for its format (HTML, JSON, JSONL, CSV, front matter)."""


class FetchError(InputError):
    """A URL could not be fetched."""


class StoreError(VerifyError):
    """The corpus store cannot be opened or written."""


class NotAStoreError(StoreError):
    """The file given as a store is corrupt or not a verify store; it was not modified."""


class ModelError(VerifyError):
    """A model is missing, corrupt, or fails its hash check."""


class ConfigError(VerifyError):
    """A setting, alias file or command-line value is invalid."""
