"""Shared fixtures: where the repository, the sample dump and the external data live."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "raw"
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip the test when this checkout has no external data beside it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("external data ../shared/data is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The five sample pages shipped in raw/."""
    return RAW
