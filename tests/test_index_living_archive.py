"""A folder that changes every day, indexed every night: counts stay exact, bad input
costs only itself, and the work per document and per query is bounded."""

from __future__ import annotations

import gzip
import json
import os

import pytest
from click.testing import CliRunner

from index.phrases import Budget, phrase_docs
from search import Engine
from search.cli import main

from tests.conftest import new_engine

#: The tests of incremental runs and deletions run on the cluster backend too.
BOTH_BACKENDS = True

RU_NEWS = ("Ядерная безопасность региона\n\nМинистры обсудили ядерную безопасность и новые "
           "правила хранения топлива на станциях.")


def _write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


@pytest.fixture
def folder_engine(backend, tmp_path):
    """An empty engine: an index folder, or an index on the test cluster."""
    if backend == "embedded":
        with Engine.create(tmp_path / "ix") as engine:
            yield engine
    else:
        with new_engine(backend) as engine:
            yield engine


@pytest.fixture
def archive(tmp_path):
    docs = tmp_path / "news"
    for i in range(3):
        _write(docs / f"{i}.txt", f"Story {i}\n\nElectric buses arrive in town number {i}.")
    return docs


# -- 1. incremental runs count live documents only ------------------------------------

def test_an_edited_file_is_read_once_and_then_left_alone(tmp_path, archive, folder_engine):
    engine = folder_engine
    engine.index_paths([archive])
    _write(archive / "1.txt", "Story 1\n\nTrams replace the buses.")
    second = engine.index_paths([archive])
    third = engine.index_paths([archive])
    assert (second.updated, second.unchanged) == (1, 2), "the edit must be read once"
    assert (third.added, third.updated, third.unchanged) == (0, 0, 3), (
        "an unchanged folder must read no file: the replaced version's terms are not live")
    assert engine.search("trams").total == 1 and engine.search("buses").total == 3


def test_a_file_removed_and_put_back_is_indexed_again(tmp_path, archive, folder_engine):
    engine = folder_engine
    engine.index_paths([archive])
    text = (archive / "2.txt").read_bytes()
    (archive / "2.txt").unlink()
    assert engine.index_paths([archive]).removed == 1
    _write(archive / "2.txt", text)
    back = engine.index_paths([archive])
    assert back.added == 1, "a file put back must be indexed again"
    assert engine.search("number 2").hits[0].title == "Story 2"


def test_stats_and_language_counts_leave_out_deleted_documents(tmp_path, archive, folder_engine):
    engine = folder_engine
    engine.index_paths([archive])
    for edit in ("The city buses now run late every evening.",
                 "The city buses now run early every morning."):
        _write(archive / "0.txt", f"Story 0\n\n{edit}")
        engine.index_paths([archive])
    (archive / "1.txt").unlink()
    engine.index_paths([archive])
    stats = engine.stats()
    assert stats.documents == 2 and stats.languages == {"en": 2}, stats
    assert engine.search("buses").languages == {"en": 2}


def test_an_unchanged_second_run_says_it_indexed_nothing(tmp_path, archive):
    runner = CliRunner()
    args = ["--index", str(tmp_path / "ix"), "index", str(archive)]
    assert runner.invoke(main, args).exit_code == 0
    again = runner.invoke(main, args)
    assert again.exit_code == 0
    assert "0 added, 0 updated, 0 removed, 3 files unchanged" in again.output


def test_a_run_stopped_inside_a_large_file_reads_it_again_next_time(tmp_path, monkeypatch):
    """A file's key goes with its last document: part of a file is never 'indexed'."""
    import index.writing

    path = _write(tmp_path / "feed" / "wire.jsonl", "\n".join(
        json.dumps({"id": f"w{i}", "title": f"Wire {i}", "text": f"Harbour cranes story {i}"})
        for i in range(30)))
    monkeypatch.setattr(index.writing, "MAX_BATCH", 10)
    calls = []

    def stop_after_first(ids):
        calls.append(ids)
        if len(calls) == 1:
            raise KeyboardInterrupt

    with Engine.create(tmp_path / "ix", batch_size=10) as engine:
        with pytest.raises(KeyboardInterrupt):
            engine.index_paths([path.parent], committed=stop_after_first)
        assert engine.stats().documents == 10 and engine._indexer.indexed_files() == {}
        again = engine.index_paths([path.parent])
        assert again.added == 30 and engine.stats().documents == 30


def test_an_edited_file_keeps_its_last_version_until_the_commit_that_brings_the_new(tmp_path):
    folder = tmp_path / "d"
    _write(folder / "c.txt", "Old\n\nThe old harbour story.")
    with Engine.create(tmp_path / "ix", batch_size=2) as engine:
        engine.index_paths([folder])
        for name in ("a1.txt", "a2.txt"):
            _write(folder / name, f"{name}\n\nFerries.")
        _write(folder / "c.txt", "New\n\nThe new harbour story.")

        def stop(ids):
            raise KeyboardInterrupt  # as a kill right after the first commit

        with pytest.raises(KeyboardInterrupt):
            engine.index_paths([folder], committed=stop)
        assert [h.title for h in engine.search("harbour").hits] == ["Old"], (
            "the old version must stay until the new one is committed with its deletion")
        engine.index_paths([folder])
        assert [h.title for h in engine.search("harbour").hits] == ["New"]


# -- 2. one bad file costs only itself -------------------------------------------------

def test_a_file_name_that_is_not_utf8_is_indexed_and_shown_with_its_bytes(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"caf\xe9-news.txt")
    with open(raw, "wb") as f:
        f.write(b"Cafe opening\n\nA new cafe opens downtown.")
    _write(folder / "other.txt", "Other\n\nAnother story.")
    with Engine.create(tmp_path / "ix") as engine:
        report = engine.index_paths([folder])
        assert report.ok and report.added == 2, report.failed
        hit = engine.search("cafe").hits[0]
        assert hit.path == "caf\\xe9-news.txt"
        assert engine.index_paths([folder]).unchanged == 2


def test_deeply_nested_json_skips_that_file_only(tmp_path):
    folder = tmp_path / "docs"
    _write(folder / "deep.json", "[" * 200_000 + "]" * 200_000)
    _write(folder / "deep.jsonl", '{"id": "ok", "title": "Fine", "text": "fine line"}\n'
                                  + "[" * 200_000 + "\n")
    _write(folder / "good.txt", "Good\n\nGood text.")
    with Engine.create(tmp_path / "ix") as engine:
        report = engine.index_paths([folder])
    failed = {os.path.basename(p): r for p, r in report.failed}
    assert list(failed) == ["deep.json"] and "nested too deeply" in failed["deep.json"]
    assert report.added == 2
    assert any("line 2 skipped" in w and "nested" in w for _, w in report.warnings)


def test_a_reader_that_crashes_skips_its_file_and_the_run_goes_on(tmp_path, monkeypatch):
    import index.readers

    def broken(source):
        raise MemoryError("simulated")

    monkeypatch.setitem(index.readers.READERS, ".md", broken)
    _write(tmp_path / "d" / "a.md", "# A\n\ntext")
    _write(tmp_path / "d" / "b.txt", "B\n\ntext")
    with Engine.create(tmp_path / "ix") as engine:
        report = engine.index_paths([tmp_path / "d"])
    assert report.added == 1
    assert [(os.path.basename(p), r) for p, r in report.failed] == [
        ("a.md", "could not be read (MemoryError: simulated)")]


# -- 3. bounded work per document and per query ---------------------------------------

def test_crafted_html_of_unclosed_tags_is_read(tmp_path):
    p = _write(tmp_path / "crafted.html", "<title>Crafted</title><p>kept words</p>" + "<a " * 70_000)
    from index.readers import read_file

    (doc,) = read_file(p).documents
    assert doc.title == "Crafted" and "kept words" in doc.text


def test_html_nested_deeper_than_any_page_is_read_as_text_with_a_warning(tmp_path):
    from index.readers import read_file

    p = _write(tmp_path / "deep.html", "<title>Deep</title>" + "<div>" * 100_000 + "kept &amp; words"
               + "</div>" * 100_000)
    read = read_file(p)
    assert read.documents[0].title == "Deep" and read.documents[0].text == "kept & words"
    assert read.warnings == ["elements nested over 2,000 deep: read as text without its markup"]


@pytest.mark.embedded_only  # the embedded index's own phrase matcher
def test_phrase_matching_stops_at_its_budget_and_says_so(engine):
    text = " ".join(["alpha beta gamma"] * 20_000)
    engine.add([{"id": "big", "title": "Big", "text": text, "lang": "en"},
                {"id": "small", "title": "Small", "text": "alpha beta gamma", "lang": "en"}])
    results = engine.search('"alpha beta gamma"')
    assert results.total == 2 and not results.partial
    searcher = engine._store.searcher()
    arrays = engine._arrays(searcher)
    phrase = [[("body_en", "alpha")], [("body_en", "beta")], [("body_en", "gamma")]]
    budget = Budget(positions=1000)
    mask = phrase_docs(arrays, [phrase], budget)
    assert budget.cut, "a phrase over 60,000 positions must exhaust a budget of 1,000"
    assert mask.sum() <= 1


@pytest.mark.embedded_only  # the embedded index's own phrase matcher
def test_phrase_matching_agrees_with_whooshs(samples_engine):
    from whoosh.query import Sequence, Term

    searcher = samples_engine._store.searcher()
    arrays = samples_engine._arrays(searcher)
    for field, words in [("body_vi", ["an_ninh", "hạt_nhân"]), ("body_en", ["electr", "bus"]),
                         ("body_ru", ["ядерный", "безопасность"]), ("bodyf_vi", ["hat", "nhan"])]:
        ours = set(map(int, phrase_docs(arrays, [[[(field, w)] for w in words]], Budget()).nonzero()[0]))
        whooshs = set(searcher.docs_for_query(Sequence([Term(field, w) for w in words], slop=1)))
        assert ours == whooshs, (field, words)


# -- 5. decoding -----------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["koi8-r", "cp1251"])
def test_a_short_russian_file_in_a_legacy_encoding_is_found_by_its_words(tmp_path, encoding):
    _write(tmp_path / "d" / "news.txt", RU_NEWS, encoding)
    with Engine.create(tmp_path / "ix") as engine:
        assert engine.index_paths([tmp_path / "d"]).ok
        assert engine.search("ядерная безопасность").total == 1
        assert engine.search("хранения топлива").hits[0].lang == "ru"


def test_a_greek_code_page_is_not_taken_for_cyrillic(tmp_path):
    from index.readers import read_file

    greek = "Η Ελλάδα συζητά την πυρηνική ασφάλεια\n\nΟι υπουργοί συζήτησαν νέους κανόνες."
    (doc,) = read_file(_write(tmp_path / "el.txt", greek, "cp1253")).documents
    assert doc.title == "Η Ελλάδα συζητά την πυρηνική ασφάλεια"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_and_utf32_without_a_byte_order_mark_are_read(tmp_path, encoding):
    from index.readers import read_file

    p = _write(tmp_path / "news.txt", RU_NEWS, encoding)
    (doc,) = read_file(p).documents
    assert doc.title == "Ядерная безопасность региона"


def test_invalid_utf8_bytes_are_replaced_and_reported(tmp_path):
    from index.readers import read_file

    data = RU_NEWS.encode("utf-8")
    p = _write(tmp_path / "news.txt", data[:60] + b"\xff\xfe" + data[60:])
    read = read_file(p)
    assert "обсудили" in read.documents[0].text, "the valid UTF-8 must not turn into mojibake"
    assert read.warnings == [
        "2 bytes not valid UTF-8 replaced by \ufffd: re-save the file as UTF-8 to keep them"]


# -- 6. input formats ------------------------------------------------------------------

def test_a_line_separator_inside_a_json_string_does_not_split_the_record(tmp_path):
    from index.readers import read_file

    records = [{"id": "a", "title": "One", "text": "first\u2028still first"},
               {"id": "b", "title": "Two", "text": "para\u2029graph"}]
    p = _write(tmp_path / "f.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    read = read_file(p)
    assert [d.id for d in read.documents] == ["a", "b"] and not read.warnings


def test_gzipped_json_and_json_lines_are_read(tmp_path):
    from index.readers import read_file

    lines = "\n".join(json.dumps({"id": f"g{i}", "title": f"T{i}", "text": "x"}) for i in range(3))
    _write(tmp_path / "a.jsonl.gz", gzip.compress(lines.encode()))
    _write(tmp_path / "b.json.gz", gzip.compress(b'[{"id": "j", "title": "J", "text": "y"}]'))
    assert [d.id for d in read_file(tmp_path / "a.jsonl.gz").documents] == ["g0", "g1", "g2"]
    assert [d.id for d in read_file(tmp_path / "b.json.gz").documents] == ["j"]


def test_a_gzip_bomb_is_refused_by_the_file_size_limit(tmp_path):
    from index.errors import ReadError
    from index.readers import read_file

    _write(tmp_path / "bomb.jsonl.gz", gzip.compress(b" " * 5_000_000))
    with pytest.raises(ReadError, match="uncompressed"):
        read_file(tmp_path / "bomb.jsonl.gz", max_bytes=1_000_000)


def test_max_file_size_is_an_option(tmp_path, archive):
    _write(archive / "big.txt", "Big\n\n" + "word " * 2000)
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "ix"), "index", str(archive),
                                       "--max-file-size", "5k"])
    assert result.exit_code == 3 and "big.txt" in result.output
    assert "9.8 KiB is over the 5.0 KiB limit" in result.output, result.output


def test_repeated_ids_in_one_run_are_reported(tmp_path):
    _write(tmp_path / "d" / "a.jsonl", '{"id": "x", "title": "First", "text": "one"}')
    _write(tmp_path / "d" / "b.jsonl", '{"id": "x", "title": "Second", "text": "two"}')
    with Engine.create(tmp_path / "ix") as engine:
        report = engine.index_paths([tmp_path / "d"])
        assert engine.document("x").title == "Second"
    assert [w for _, w in report.warnings if "also in" in w], report.warnings


def test_a_lang_that_is_not_a_language_code_skips_the_record_with_a_reason(tmp_path):
    _write(tmp_path / "d" / "a.jsonl", '{"id": "l", "title": "T", "text": "x", "lang": ["vi"]}\n'
                                       '{"id": "m", "title": "U", "text": "y", "lang": "en"}')
    with Engine.create(tmp_path / "ix") as engine:
        report = engine.index_paths([tmp_path / "d"])
        assert engine.document("l") is None and engine.document("m") is not None
    assert any("not a language code" in w for _, w in report.warnings), report.warnings


# -- 7. progress and the first commit --------------------------------------------------

def test_progress_moves_through_one_large_file(tmp_path):
    lines = "\n".join(json.dumps({"id": f"p{i}", "title": f"T{i}", "text": "words " * 50})
                      for i in range(200))
    _write(tmp_path / "d" / "one.jsonl", lines)
    seen = []
    with Engine.create(tmp_path / "ix") as engine:
        engine.index_paths([tmp_path / "d"], progress=lambda p: seen.append(
            (p.bytes_done, p.bytes_total, p.documents)))
    total = seen[-1][1]
    middle = [done for done, _, docs in seen if 0 < done < total]
    assert len(middle) >= 5, "the bar must move while the one file's documents are written"
    assert seen[-1][0] == pytest.approx(total) and seen[-1][2] == 200


def test_the_first_commit_comes_after_a_bounded_amount_of_text(tmp_path, monkeypatch):
    import index.writing

    monkeypatch.setattr(index.writing, "FIRST_BATCH_CHARS", 5_000)
    for i in range(20):
        _write(tmp_path / "d" / f"{i:02}.txt", f"Long {i}\n\n" + "text " * 400)
    sizes = []
    with Engine.create(tmp_path / "ix") as engine:
        engine.index_paths([tmp_path / "d"], committed=lambda ids: sizes.append(len(ids)))
    # 2,000 characters each: the third passes 5,000; the next commits grow as after a full one.
    assert sizes == [3, 17], sizes


# -- 8. exposure -----------------------------------------------------------------------

def test_hits_show_paths_relative_to_the_folder_indexed(tmp_path, archive, folder_engine):
    engine = folder_engine
    engine.index_paths([archive])
    hit = engine.search("number 1").hits[0]
    assert hit.path == "1.txt" and str(tmp_path) not in json.dumps(hit.__dict__)
    assert engine.document(hit.id).path == "1.txt"


def test_links_out_of_the_folder_are_followed_only_when_asked(tmp_path, archive, folder_engine):
    outside = _write(tmp_path / "private" / "secret.txt", "Secret\n\nPayroll figures.")
    (archive / "link.txt").symlink_to(outside)
    engine = folder_engine
    report = engine.index_paths([archive])
    assert engine.search("payroll").total == 0
    assert any("outside the folder" in w for _, w in report.warnings)
    engine.index_paths([archive], follow_links=True)
    assert engine.search("payroll").total == 1


# -- 9. the command ---------------------------------------------------------------------

def test_a_missing_folder_is_a_usage_error_and_creates_no_index(tmp_path):
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "ix"), "index",
                                       str(tmp_path / "nope")])
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (tmp_path / "ix").exists()


def test_index_option_is_accepted_after_the_command(tmp_path, archive):
    runner = CliRunner()
    assert runner.invoke(main, ["index", str(archive), "--index", str(tmp_path / "ix")]).exit_code == 0
    result = runner.invoke(main, ["stats", "--json", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0 and json.loads(result.output)["documents"] == 3
    result = runner.invoke(main, ["buses", "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0 and "3 results" in result.output


def test_index_json_lists_skipped_files_with_their_reason(tmp_path, archive):
    _write(archive / "bad.txt", b"\x00\x01\x02")
    result = CliRunner().invoke(main, ["--index", str(tmp_path / "ix"), "index", str(archive), "--json"])
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert data["added"] == 3 and [os.path.basename(f["path"]) for f in data["failed"]] == ["bad.txt"]


def test_remove_paths_counts_the_documents_of_the_files_removed(tmp_path, folder_engine):
    _write(tmp_path / "d" / "wire.jsonl", "\n".join(
        json.dumps({"id": f"w{i}", "title": f"Wire {i}", "text": "ferries"}) for i in range(3)))
    _write(tmp_path / "d" / "other.txt", "Other\n\nFerries too.")
    engine = folder_engine
    engine.index_paths([tmp_path / "d"])
    assert engine.remove_paths([str(tmp_path / "d" / "wire.jsonl")]) == 3
    assert engine.stats().documents == 1 and engine.search("ferries").total == 1
