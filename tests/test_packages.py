"""The four generic top-level names must resolve to this project's packages."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["analyzers", "index", "search", "web"])
def test_top_level_package_is_ours(name):
    module = __import__(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__: another package shadows ours"
    assert Path(module.__file__).parent.name == name
    assert Path(module.__file__).parent.joinpath("py.typed").exists(), f"{name} lacks py.typed"


def test_search_exposes_engine_as_its_entry_point():
    import search

    assert "Engine" in search.__all__
    from search import Engine  # noqa: F401


def test_importing_search_does_not_load_the_heavy_models():
    import subprocess
    import sys

    code = ("import sys, search; heavy = [m for m in ('underthesea', 'pymorphy3', 'py3langid', "
            "'underthesea_core') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    assert out.stdout.strip() == "[]", f"import search loaded {out.stdout.strip()}: keep them lazy"
