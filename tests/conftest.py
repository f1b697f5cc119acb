"""Shared fixtures: engines in memory and on disk, the Flask app, the click runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from search import Engine

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SAMPLES = ROOT / "samples"


def need_shared() -> None:
    """Skip (with the reason) where ../shared is absent; CI always has it, so there it fails."""
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing: CI must run with ../shared beside the project")
        pytest.skip(f"{SHARED} is absent")


@pytest.fixture(scope="session")
def seeds_engine():
    need_shared()
    engine = Engine.in_memory()
    report = engine.index_paths([SEEDS])
    assert report.added == 2 and report.ok, report
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def samples_engine():
    engine = Engine.in_memory()
    report = engine.index_paths([SAMPLES])
    assert report.ok, report.failed
    yield engine
    engine.close()


@pytest.fixture
def engine():
    with Engine.in_memory() as e:
        yield e


@pytest.fixture
def disk_engine(tmp_path):
    with Engine.create(tmp_path / "ix") as e:
        yield e
