"""The code's own shape: short functions with one job each in the library's layers."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

#: The longest function the library's index and search layers may hold.
MAX_LINES = 40


def test_no_function_in_search_or_index_is_over_40_lines():
    long = []
    for package in ("search", "index"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lines = node.end_lineno - node.lineno + 1  # type: ignore[operator]
                    if lines > MAX_LINES:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, "split these into steps with one job each:\n" + "\n".join(long)
