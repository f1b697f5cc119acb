"""Whoosh's internals are used from index.w3 alone, and the installed Whoosh still has them."""

from __future__ import annotations

import ast

import pytest
import whoosh
from whoosh.codec import whoosh3

from index.w3 import spec
from index.w3.codec import block_bytes
from index.w3.reading import read_block
from tests.conftest import ROOT

#: Private names of other objects that code outside index.w3 may use: the standard library's,
#: and py3langid's table that every restricted language model shares (analyzers.detect).
_ALLOWED_PRIVATE = {("os", "_exit"), ("identifier", "_rowbase"), ("full", "_rowbase")}


def test_installed_whoosh_has_every_internal_part_the_index_relies_on():
    assert spec.broken() == []


def test_a_missing_internal_of_whoosh_is_reported_by_name(monkeypatch):
    monkeypatch.delattr(whoosh3.W3LeafMatcher, "_read_ids")
    monkeypatch.setattr(whoosh, "__version__", (2, 9, 0))
    problems = spec.broken()
    assert "a W3 leaf matcher has no _read_ids" in problems
    assert any(p.startswith("Whoosh (2, 9, 0) is outside") for p in problems)


def test_a_block_written_by_the_codec_reads_back_with_its_numbers_weights_and_values(tmp_path):
    path = tmp_path / "block"
    path.write_bytes(b"pad!" + block_bytes((3, 2, 5), [1.0, 2.0, 1.0], [b"a", b"b", b"c"], 10, 2.0,
                                           3, 4, 9, last=True))

    class File:
        def get(self, position: int, length: int) -> bytes:
            with open(path, "rb") as f:
                f.seek(position)
                return f.read(length)

    ids, weights, values = read_block(File(), 4)
    assert ids == [3, 5, 10]
    assert list(weights) == [1.0, 2.0, 1.0]
    assert list(values) == [b"a", b"b", b"c"]


def test_only_index_w3_imports_whoosh_internals_and_the_layers_hold(monkeypatch):
    from importlinter import cli

    monkeypatch.chdir(ROOT)
    assert cli.lint_imports(config_filename=str(ROOT / "setup.cfg"), no_logo=True, no_cache=True) == 0


def _private_uses(path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            owner = node.value.id if isinstance(node.value, ast.Name) else None
            if owner not in ("self", "cls") and (owner, node.attr) not in _ALLOWED_PRIVATE:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("package", ["analyzers", "index", "search", "web"])
def test_no_code_outside_index_w3_reads_another_objects_private_attributes(package):
    found = [use for path in sorted((ROOT / package).rglob("*.py"))
             if "w3" not in path.relative_to(ROOT).parts for use in _private_uses(path)]
    assert not found, "go through index.w3, or a public name:\n" + "\n".join(found)
