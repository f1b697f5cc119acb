"""Random and adversarial queries, through the library, the CLI and the web: results or a clear error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search import Engine, QueryError
from search.cli import main
from tests.conftest import SAMPLES
from web import create_app

OPERATORS = st.sampled_from(['"', "-", "OR", "NOT", "*", "a*", "title:", "lang:", "date:", "=",
                             "date:2024..", "lang:vi", "(", ")", ":", "\\", "\x00", "\u200b", "..."])
WORDS = st.sampled_from(["an", "ninh", "hạt", "nhân", "hat", "nhan", "ядерная", "безопасность",
                         "electric", "buses", "北京", "ไทย", "café", "Đường"])
QUERIES = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(OPERATORS, WORDS, st.text(max_size=6)), max_size=12).map(" ".join),
    st.lists(st.one_of(OPERATORS, WORDS), max_size=12).map("".join),
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "ix"
    with Engine.create(path) as e:
        e.index_paths([SAMPLES])
    with Engine.open(path) as e:
        yield e


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERIES, page=st.integers(min_value=-5, max_value=20_000),
       lang=st.sampled_from([None, "vi", "xx", "", "ru-RU"]))
def test_library_gives_results_or_a_query_error(engine, text, page, lang):
    try:
        results = engine.search(text, page=page, lang=lang)
    except QueryError as exc:
        assert str(exc), "a query error must say what is wrong"
        return
    assert results.total >= len(results.hits)
    for hit in results.hits:
        assert all(isinstance(t, str) and isinstance(m, bool) for t, m in hit.snippet)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERIES, page=st.sampled_from(["1", "2", "0", "-1", "abc", "99999999", ""]))
def test_web_never_answers_500(engine, text, page):
    client = create_app({"ENGINE": engine, "TESTING": True}).test_client()
    for route in ("/search", "/api/search"):
        r = client.get(route, query_string={"q": text, "page": page})
        assert r.status_code in (200, 400), (route, text, page, r.status_code)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=QUERIES.filter(lambda t: t.strip() and not t.startswith("-") and "\x00" not in t))
def test_cli_exits_0_or_1_without_traceback(engine, text):
    result = CliRunner().invoke(main, ["--index", engine.path, "query", "--", text])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text", ["x" * 100_000, "a" * 1001, "ä " * 600])
def test_huge_queries_are_refused_with_the_limit(engine, text):
    with pytest.raises(QueryError, match="limit"):
        engine.search(text)
