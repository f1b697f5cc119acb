"""The `search` command through click's runner: exit codes and output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from search.cli import main
from tests.conftest import SAMPLES, SEEDS, need_shared


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    index = str(tmp_path / "ix")

    def invoke(*args):
        return runner.invoke(main, ["--index", index, *args], catch_exceptions=False)

    return invoke


def test_index_then_query_json_puts_the_russian_seed_first(run):
    need_shared()
    result = run("index", str(SEEDS))
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output and "ru 1" in result.output
    result = run("query", "ядерная безопасность", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    top = data["hits"][0]
    assert top["lang"] == "ru"
    assert ["ядерной", True] in top["snippet"]


def test_bare_text_is_short_for_query(run):
    run("index", str(SAMPLES))
    result = run("an ninh hat nhan")
    assert result.exit_code == 0
    assert "hạt nhân" in result.output


def test_skipped_inputs_are_listed_and_exit_3(run, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "good.txt").write_text("Good\n\ntext", encoding="utf-8")
    (tmp_path / "d" / "bad.txt").write_bytes(b"\x00\x01")
    result = run("index", str(tmp_path / "d"))
    assert result.exit_code == 3
    assert "1 added" in result.output and "bad.txt" in result.output


def test_stats_json(run):
    run("index", str(SAMPLES))
    data = json.loads(run("stats", "--json").output)
    assert set(data) == {"documents", "languages", "size_bytes", "updated", "segments", "semantic",
                         "vectors"}
    assert data["documents"] >= 30 and {"vi", "ru", "en"} <= set(data["languages"])
    assert (data["semantic"], data["vectors"]) == (False, 0)


def test_remove_by_id_and_by_path(run):
    run("index", str(SAMPLES))
    before = json.loads(run("stats", "--json").output)["documents"]
    assert run("remove", "sample-en-05").exit_code == 0
    assert run("remove", str(SAMPLES / "vi" / "01.txt")).exit_code == 0
    after = json.loads(run("stats", "--json").output)["documents"]
    assert after == before - 2
    assert run("remove", "no-such-id").exit_code == 1


def test_remove_takes_the_path_of_a_file_already_deleted(run, tmp_path):
    (tmp_path / "d").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "d" / name).write_text(f"{name}\n\nFerries at dawn.", encoding="utf-8")
    run("index", str(tmp_path / "d"))
    (tmp_path / "d" / "a.txt").unlink()
    result = run("remove", str(tmp_path / "d" / "a.txt"))
    assert result.exit_code == 0 and "Removed 1 documents." in result.output
    assert json.loads(run("stats", "--json").output)["documents"] == 1


def test_analyze_shows_offsets(run):
    result = run("analyze", "hạt nhân", "--lang", "vi")
    assert result.exit_code == 0 and "hạt_nhân" in result.output and "0:8" in result.output


def test_query_on_a_missing_index_is_one_clear_line_and_exit_1(run):
    result = run("query", "x")
    assert result.exit_code == 1
    assert "no index at" in result.output and "Traceback" not in result.output


def test_bad_query_exit_1_and_usage_error_exit_2(run):
    run("index", str(SAMPLES))
    assert run("query", "x" * 5000).exit_code == 1
    assert run("query", "x", "--limit", "0").exit_code == 2


def test_version_and_help():
    runner = CliRunner()
    assert runner.invoke(main, ["--version"]).exit_code == 0
    for cmd in ("index", "query", "serve", "stats", "remove", "analyze"):
        assert runner.invoke(main, [cmd, "--help"]).exit_code == 0


def test_index_optimize_merges_the_segments_and_stats_counts_them(run, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.jsonl").write_text("\n".join(json.dumps(
            {"id": f"{i}-{j}", "lang": "en", "title": f"report {j}", "text": f"summit talks {i} {j}"})
            for j in range(30)), encoding="utf-8")
    for i in range(3):  # three runs: three commits, three segments
        assert run("index", str(folder / f"{i}.jsonl")).exit_code == 0
    assert "in 3 segments" in run("stats").output
    result = run("index", str(folder), "--optimize")
    assert result.exit_code == 0, result.output
    assert "Merged 3 segments into 1." in result.output
    assert "90 documents" in run("stats").output and "in 1 segment," in run("stats").output
    assert "already one segment" in run("index", str(folder), "--optimize").output


def test_index_analyses_on_as_many_processes_as_asked_each_writing_a_segment(run, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.jsonl").write_text("\n".join(json.dumps(
        {"id": str(j), "lang": "en", "title": f"report {j}", "text": f"summit talks {j}"})
        for j in range(300)), encoding="utf-8")
    assert run("index", str(folder), "--procs", "2").exit_code == 0
    stats = run("stats").output
    assert "300 documents" in stats and "in 2 segments" in stats
    assert json.loads(run("query", "report 299", "--json").output)["hits"][0]["id"] == "299"
    result = run("index", str(folder), "--rebuild", "--procs", "1")
    assert result.exit_code == 0, result.output
    assert "in 1 segment," in run("stats").output
