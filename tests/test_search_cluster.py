"""The OpenSearch backend's own behaviour: token streams, alias rebuilds, the CLI, migration,
and clear errors when the cluster is down or refuses writes. (The engine's behaviour on both
backends is in test_search_engine.py and test_search_news.py.)"""

from __future__ import annotations

import json
import os
import socket
import uuid

import pytest
from click.testing import CliRunner

from index.cluster import BackendError, SourceMaker
from search import Engine
from search.cli import main

from tests.conftest import CLUSTER_ENV, SAMPLES, new_engine


def cluster_url() -> str:
    with new_engine("cluster"):  # skips or fails as the other cluster tests do
        pass
    return os.environ[CLUSTER_ENV]


@pytest.fixture
def url():
    return cluster_url()


@pytest.fixture
def name(url):
    """A fresh index name, dropped after the test."""
    value = f"test-{uuid.uuid4().hex[:12]}"
    yield value
    with Engine.connect(url, index=value) as engine:
        engine.destroy()


def test_tokens_sharing_a_position_are_sent_stacked_with_their_offsets():
    fields = {"id": "1", "body_vi": "An ninh hạt nhân", "bodyf_vi": "An ninh hạt nhân",
              "body_ru": "Стали известны"}
    source = SourceMaker().source(fields)
    assert source["body_vi"].split(" ") == ["an_ninh|an", "ninh", "hạt_nhân|hạt", "nhân"]
    assert source["offsets"]["body_vi"] == [0, 7, 0, 2, 3, 7, 8, 16, 8, 11, 12, 16]
    assert "bodyf_vi" not in source["offsets"]  # the same as body_vi's: stored once
    first = source["body_ru"].split(" ")[0].split("|")
    assert {"сталь", "стать"} <= set(first)  # a form's candidate lemmas share its position


def test_a_phrase_holds_across_stacked_tokens_on_the_cluster(engine_on_cluster):
    engine_on_cluster.add([
        {"id": "asked", "lang": "vi", "title": "", "text": "Hội nghị an ninh hạt nhân khai mạc."},
        {"id": "apart", "lang": "vi", "title": "", "text": "Hạt giống và an ninh lương thực, nhân dân."},
    ])
    assert [h.id for h in engine_on_cluster.search('"an ninh hạt nhân"')] == ["asked"]
    assert {h.id for h in engine_on_cluster.search("an ninh hạt nhân")} == {"asked", "apart"}


@pytest.fixture
def engine_on_cluster():
    with new_engine("cluster") as engine:
        yield engine


def test_a_rebuild_answers_from_the_old_index_until_it_is_published(url, name):
    with Engine.connect(url, index=name) as engine:
        engine.add({"id": "old", "lang": "en", "title": "Old", "text": "the old edition"})
        engine.begin_rebuild()
        engine.add({"id": "new", "lang": "en", "title": "New", "text": "the new edition"})
        assert [h.id for h in engine.search("edition")] == ["old"]  # readers still see the old
        engine.publish()
        assert [h.id for h in engine.search("edition")] == ["new"]
        assert engine.stats().segments == 1  # the old index is gone


def test_a_rebuild_that_is_not_published_is_dropped_and_the_old_index_stays(url, name):
    with Engine.connect(url, index=name) as engine:
        engine.add({"id": "old", "lang": "en", "title": "Old", "text": "the old edition"})
        engine.begin_rebuild()
        engine.add({"id": "half", "lang": "en", "title": "Half", "text": "half an edition"})
    with Engine.connect(url, index=name) as engine:
        assert [h.id for h in engine.search("edition")] == ["old"]
        assert engine.stats().segments == 1


def test_the_command_indexes_incrementally_searches_and_migrates_to_a_cluster(url, name, tmp_path):
    runner = CliRunner()
    on_cluster = ["--backend", url, "--backend-index", name]
    first = runner.invoke(main, [*on_cluster, "index", str(SAMPLES), "--json"])
    assert first.exit_code == 0, first.output
    again = json.loads(runner.invoke(main, [*on_cluster, "index", str(SAMPLES), "--json"]).output)
    assert again["added"] == again["updated"] == 0 and again["unchanged"] == again["files"]
    found = json.loads(runner.invoke(main, [*on_cluster, "an ninh hat nhan", "--json"]).output)
    assert found["hits"][0]["lang"] == "vi" and any(m for _, m in found["hits"][0]["snippet"])
    folder = str(tmp_path / "ix")
    assert runner.invoke(main, ["--index", folder, "index", str(SAMPLES)]).exit_code == 0
    copied = runner.invoke(main, ["--index", folder, "migrate", url, "--to-index", name, "--rebuild"])
    assert copied.exit_code == 0 and "Copied 33 documents" in copied.output, copied.output
    stats = json.loads(runner.invoke(main, [*on_cluster, "stats", "--json"]).output)
    assert stats["documents"] == 33 and stats["languages"]["vi"] == 10


def test_a_cluster_that_is_down_is_named_with_what_to_do():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once the socket closes
    with pytest.raises(BackendError, match=f"127.0.0.1:{port} cannot be reached.*opensearch-local start"):
        Engine.connect(f"http://127.0.0.1:{port}", index="news")
    out = CliRunner().invoke(main, ["--backend", f"http://127.0.0.1:{port}", "stats"])
    assert out.exit_code == 1 and "cannot be reached" in out.output


def test_writing_to_a_read_only_index_says_so_and_searching_goes_on(url, name):
    with Engine.connect(url, index=name) as engine:
        engine.add({"id": "1", "lang": "en", "title": "Kept", "text": "kept words"})
        client = engine._store.client
        client.indices.put_settings(index=name, body={"index.blocks.write": True})
        try:
            with pytest.raises(BackendError, match="read-only"):
                engine.add({"id": "2", "lang": "en", "title": "Refused", "text": "refused words"})
            assert [h.id for h in engine.search("kept")] == ["1"]
        finally:
            client.indices.put_settings(index=name, body={"index.blocks.write": False})


def test_an_index_that_is_missing_is_not_made_when_only_reading(url):
    with pytest.raises(BackendError, match="no index 'never-made"):
        Engine.connect(url, index="never-made-index", create=False)


def test_documents_analysed_in_two_processes_are_sent_as_one_process_sends_them():
    from index.cluster import SourceWorkers
    from index.documents import Document
    from index.writing import document_fields

    docs = [document_fields(Document.from_value({"id": str(i), "title": t, "text": t * 3}))
            for i, t in enumerate(["An ninh hạt nhân. ", "Ядерная безопасность. ", "Nuclear talks. "] * 4)]
    maker = SourceMaker()
    with SourceWorkers(maker, 2) as workers:
        parallel = {s["id"]: s for s in workers.map(docs)}
        assert len(workers._processes) == 2
    assert parallel == {d["id"]: maker.source(d) for d in docs}


def test_the_web_interface_serves_a_cluster_index_given_as_its_backend(url, name):
    from web import create_app

    with Engine.connect(url, index=name) as engine:
        engine.index_paths([SAMPLES])
    client = create_app({"BACKEND": {"url": url, "index": name}, "TESTING": True}).test_client()
    data = client.get("/api/search?q=ядерная+безопасность").get_json()
    assert data["hits"][0]["lang"] == "ru" and data["languages"] == {"ru": data["total"]}
    page = client.get("/search?q=an+ninh+hat+nhan").get_data(as_text=True)
    assert "<mark>" in page


def test_a_watched_folder_keeps_a_cluster_index_current(url, name, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "old.txt").write_text("Tin cũ\nHội nghị về an ninh hạt nhân.", encoding="utf-8")
    watcher = subprocess.Popen(
        [sys.executable, "-m", "search.cli", "--backend", url, "--backend-index", name, "watch",
         str(folder), "--quiet-seconds", "0.3"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def found(query):
        try:
            with Engine.connect(url, index=name, create=False) as engine:
                return {hit.path for hit in engine.search(query)}
        except BackendError:  # not made yet
            return set()

    def eventually(query, expected):
        deadline = time.monotonic() + 30
        while found(query) != expected and time.monotonic() < deadline:
            time.sleep(0.2)
        assert found(query) == expected

    try:
        eventually("an ninh hạt nhân", {"old.txt"})
        (folder / "new.txt").write_text("Ядерная безопасность\nПереговоры.", encoding="utf-8")
        eventually("ядерная безопасность", {"new.txt"})
        (folder / "old.txt").unlink()
        eventually("an ninh hạt nhân", set())
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=30)
