"""verify: find who said what and when in news text, and check it against a reference corpus.

The public API is listed once, in ``__all__``.  Stage functions load lazily, so
``import verify`` stays cheap; heavy models load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import (
    ConfigError,
    DecodeError,
    EmptyInputError,
    FetchError,
    FormatError,
    InputError,
    ModelError,
    NotAStoreError,
    StoreError,
    VerifyError,
)
from .types import (
    CheckResult,
    Document,
    Evidence,
    InputFailure,
    QuoteKind,
    Relation,
    RelationLabel,
    Span,
    SpeakerKind,
    Statement,
    Verdict,
    VerdictLabel,
)

__version__ = "0.1.0"

# name -> "module:attribute", imported on first access
_LAZY = {
    "Extractor": "verify.extract:Extractor",
    "extract": "verify.extract:extract",
    "iter_documents": "verify.ingest:iter_documents",
    "parse_text": "verify.ingest:parse_text",
    "parse_html": "verify.ingest:parse_html",
    "load_settings": "verify.settings:load_settings",
}

__all__ = [
    "CheckResult",
    "ConfigError",
    "DecodeError",
    "Document",
    "EmptyInputError",
    "Evidence",
    "FetchError",
    "FormatError",
    "InputError",
    "InputFailure",
    "ModelError",
    "NotAStoreError",
    "QuoteKind",
    "Relation",
    "RelationLabel",
    "Span",
    "SpeakerKind",
    "Statement",
    "StoreError",
    "Verdict",
    "VerdictLabel",
    "VerifyError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'verify' has no attribute {name!r}")
    module_name, attr = target.split(":")
    value = getattr(importlib.import_module(module_name), attr)
    globals()[name] = value
    return value
