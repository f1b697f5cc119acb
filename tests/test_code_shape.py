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


def _language_names(path, codes) -> list[str]:
    """Where a module names a language: a code, a field name of one (``..._vi``), or an
    import from a language's own module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    named = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if node.value in codes or any(node.value.endswith("_" + c) for c in codes):
                named.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value!r}")
        if isinstance(node, ast.ImportFrom) and node.module in ("analyzers.vi", "analyzers.ru",
                                                                 "analyzers.en", "analyzers.cjk"):
            named.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
    return named


def test_search_names_no_language_outside_its_ranking_weights():
    """Each language's query rules live with its analyzers (analyzers.language.Language):
    the search layer asks a language for them, and names languages only in its weights."""
    from analyzers import LANGUAGES

    codes = set(LANGUAGES) - {"id"}  # Indonesian's code is also the document id's field
    named = [where for path in sorted((ROOT / "search").rglob("*.py")) if path.name != "weights.py"
             for where in _language_names(path, codes)]
    assert not named, "move these rules to the language's module:\n" + "\n".join(named)
