"""Shared fixtures: engines in memory and on disk, the Flask app, the click runner."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
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


#: The OpenSearch cluster the tests of both backends use (CI starts one node).
CLUSTER_ENV = "SEARCH_TEST_CLUSTER"


def pytest_generate_tests(metafunc):
    """A module with ``BOTH_BACKENDS = True`` runs each test that asks for an engine on the
    embedded index and on the cluster, except those marked ``embedded_only``."""
    if "backend" not in metafunc.fixturenames or not getattr(metafunc.module, "BOTH_BACKENDS", False):
        return
    if metafunc.definition.get_closest_marker("embedded_only"):
        return
    metafunc.parametrize("backend", ["embedded", "cluster"], indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request):
    return getattr(request, "param", "embedded")


@contextmanager
def new_engine(backend):
    """An empty engine: in memory, or a new index on the test cluster (dropped after)."""
    if backend == "embedded":
        with Engine.in_memory() as engine:
            yield engine
        return
    url = os.environ.get(CLUSTER_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{CLUSTER_ENV} is not set: CI must start a node (scripts/opensearch-local)")
        pytest.skip(f"no test cluster: start one (scripts/opensearch-local start) and set {CLUSTER_ENV}")
    engine = Engine.connect(url, index=f"test-{uuid.uuid4().hex[:12]}")
    try:
        yield engine
    finally:
        engine.destroy()
        engine.close()


@pytest.fixture(scope="session")
def seeds_engine(backend):
    need_shared()
    with new_engine(backend) as engine:
        report = engine.index_paths([SEEDS])
        assert report.added == 2 and report.ok, report
        yield engine


@pytest.fixture(scope="session")
def samples_engine(backend):
    with new_engine(backend) as engine:
        report = engine.index_paths([SAMPLES])
        assert report.ok, report.failed
        yield engine


@pytest.fixture
def engine(backend):
    with new_engine(backend) as e:
        yield e


@pytest.fixture
def disk_engine(tmp_path):
    with Engine.create(tmp_path / "ix") as e:
        yield e
