"""The bulk segment writers write the same index as Whoosh's own writers."""

from __future__ import annotations

from pathlib import Path

import pytest

from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from index.w3.bulkwrite import BulkSegmentWriter, TermPool
from index.parallel import SegmentWorkers
from index.w3.bulkwrite import BulkMpWriter
from index.w3.codec import InliningCodec
from index.schema import build_schema
from index.writing import document_fields
from index.documents import Document

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def _documents() -> list[dict]:
    """Documents in several languages, with repeated words (several offsets in one posting)."""
    docs = []
    for n, path in enumerate(sorted(SAMPLES.glob("*/*.txt"))):
        text = path.read_text(encoding="utf-8", errors="replace")
        docs.append(Document(id=f"s{n}", text=text, title=path.stem, lang=path.parent.name))
    for i in range(150):  # enough for terms spanning several 64-posting blocks
        docs.append(Document(id=f"g{i}", lang="en" if i % 3 else "ru",
                             title=f"report {i}", text=f"summit security {i} " * (i % 5 + 1)
                             + ("ядерная безопасность саммит " * (i % 3))))
    return [document_fields(d) for d in docs]


def _index(folder: Path, writer_of, docs: list[dict], delete: str | None = None):
    storage = FileStorage(str(folder)).create()
    ix = storage.create_index(build_schema(), indexname="main")
    w = writer_of(ix)
    for fields in docs:
        w.add_document(**fields)
    w.commit()
    if delete:
        w = writer_of(ix)
        w.delete_by_term("id", delete)
        w.commit(optimize=True)
    return ix


def _everything(ix) -> dict:
    """Every posting (by document id), term statistics, stored document and field length."""
    out: dict = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {docnum: stored["id"] for docnum, stored in reader.iter_docs()}
        for fieldname, tbytes in reader.all_terms():
            m = reader.postings(fieldname, tbytes)
            while m.is_active():
                if m.id() in ids:
                    out[(fieldname, tbytes, ids[m.id()])] = (m.weight(), m.value())
                m.next()
            info = reader.term_info(fieldname, tbytes)
            out[("df", fieldname, tbytes)] = (info.doc_frequency(), info.weight(), info.max_weight(),
                                              info.min_length(), info.max_length())
        for docnum, stored in reader.iter_docs():
            out[("stored", stored["id"])] = stored
            for fieldname in reader.indexed_field_names():
                out[("length", stored["id"], fieldname)] = reader.doc_field_length(docnum, fieldname, 0) or 0
    return out


def _whoosh(ix):
    return SegmentWriter(ix, compound=False, codec=InliningCodec())


def test_bulk_writer_writes_what_whoosh_writes(tmp_path):
    docs = _documents()
    ours = _everything(_index(tmp_path / "bulk", lambda ix: BulkSegmentWriter(
        ix, compound=False, codec=InliningCodec()), docs))
    theirs = _everything(_index(tmp_path / "whoosh", _whoosh, docs))
    assert ours == theirs
    assert any(key[0] == "body_ru" and "ядерн".encode() in key[1] for key in ours)
    # Several offsets in one posting, and terms over several blocks, were compared.
    assert max(v[0] for k, v in ours.items() if k[0] == "df") > 64


def _segment_files(folder: Path) -> dict[str, bytes]:
    """Each segment file's bytes by its suffix (the segment's random name left out)."""
    return {path.name.split(".", 1)[1]: path.read_bytes() for path in folder.iterdir()
            if path.suffix not in (".toc", ".tda") and "LOCK" not in path.name}


def test_bulk_writer_files_are_byte_for_byte_whooshs(tmp_path):
    # Postings blocks, term dictionary, lengths and stored fields are encoded here, not by
    # Whoosh's writer: every byte must still be the one Whoosh's writer writes with our codec.
    docs = _documents()
    _index(tmp_path / "bulk", lambda ix: BulkSegmentWriter(ix, compound=False, codec=InliningCodec()), docs)
    _index(tmp_path / "whoosh", _whoosh, docs)
    ours, theirs = _segment_files(tmp_path / "bulk"), _segment_files(tmp_path / "whoosh")
    assert {"pst", "trm", "_stored.col", "_body_ru_len.col"} <= set(ours)
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []


def test_a_field_written_a_few_postings_at_a_time_gives_the_same_bytes(tmp_path, monkeypatch):
    # A field's postings become Python lists a slice at a time; a term with more
    # postings than a slice gets a slice of its own.
    import index.w3.bulkwrite as bulkwrite

    docs = _documents()
    _index(tmp_path / "whole", lambda ix: BulkSegmentWriter(ix, compound=False, codec=InliningCodec()), docs)
    monkeypatch.setattr(bulkwrite, "_SLICE", 7)
    _index(tmp_path / "sliced", lambda ix: BulkSegmentWriter(ix, compound=False, codec=InliningCodec()), docs)
    whole, sliced = _segment_files(tmp_path / "whole"), _segment_files(tmp_path / "sliced")
    assert "pst" in whole and sorted(whole) == sorted(sliced)
    assert [name for name in whole if whole[name] != sliced[name]] == []


def test_postings_are_pickled_at_protocol_4_in_blocks_and_in_the_dictionary(tmp_path):
    import io
    import pickle
    import zlib

    protocol_4 = b"\x80\x04"  # how a pickle at protocol 4 begins; Whoosh's own writer uses 2
    with _index(tmp_path / "ix", _whoosh, _documents()).reader() as reader:
        terms = reader._terms
        inlined = blocked = 0
        fixed = 23  # W3TermInfo's fixed part: its flag first, then the statistics
        for _key, raw in terms._tindex.items():
            if raw[0]:  # inlined: the postings follow the fixed part
                assert raw[fixed:fixed + 2] == protocol_4
                inlined += 1
            else:
                position = int.from_bytes(raw[fixed:fixed + 8], "big") + 4  # past the 4-byte tag
                length = abs(terms._postfile.get_int(position))
                stream = io.BytesIO(terms._postfile.get(position + 4, length))
                header = pickle.load(stream)
                data = stream.read()
                data = zlib.decompress(data) if header[3] else data
                assert data[:2] == protocol_4
                blocked += 1
    assert inlined and blocked


def test_merging_segments_with_deletions_keeps_what_whoosh_keeps(tmp_path):
    docs = _documents()
    half = len(docs) // 2

    def two_commits(writer_of, folder):
        ix = _index(folder, writer_of, docs[:half])
        w = writer_of(ix)
        for fields in docs[half:]:
            w.add_document(**fields)
        w.commit()
        w = writer_of(ix)
        w.delete_by_term("id", "g7")
        w.commit(optimize=True)  # the merge: postings of two segments into one pool
        assert len(ix._segments()) == 1
        return ix

    ours = _everything(two_commits(lambda ix: BulkSegmentWriter(
        ix, compound=False, codec=InliningCodec()), tmp_path / "bulk"))
    theirs = _everything(two_commits(_whoosh, tmp_path / "whoosh"))
    assert ours == theirs
    assert ("stored", "g7") not in ours and ("stored", "g8") in ours


def test_worker_processes_write_the_same_postings(tmp_path):
    docs = _documents()
    options = {"compound": False, "codec": InliningCodec()}

    def writer(ix):
        workers = SegmentWorkers(2, lambda: ix.storage.open_index(ix.indexname), options)
        return BulkMpWriter(ix, workers, True, batchsize=20, **options)

    ours = _everything(_index(tmp_path / "bulk", writer, docs))
    theirs = _everything(_index(tmp_path / "whoosh", _whoosh, docs))
    assert len(ours) == len(theirs)
    # Document frequencies are per segment; the postings and documents are the same.
    assert {k: v for k, v in ours.items() if k[0] != "df"} == \
        {k: v for k, v in theirs.items() if k[0] != "df"}


def test_term_pool_sorts_documents_that_came_out_of_order():
    pool = TermPool()
    for docnum in (5, 2, 9):
        pool.add(("body_en", b"word", docnum, float(docnum), bytes([docnum])))
    pool.add(("body_en", b"another", 1, 1.0, b""))
    listed = list(pool.iter_postings())
    assert listed == [("body_en", b"another", 1, 1.0, b""),
                      ("body_en", b"word", 2, 2.0, b"\x02"),
                      ("body_en", b"word", 5, 5.0, b"\x05"),
                      ("body_en", b"word", 9, 9.0, b"\x09")]


def test_scoring_arrays_written_with_the_segment_equal_those_read_back_from_it(tmp_path):
    from index import termdocs
    from index.w3.reading import build_termdocs

    docs = _documents()
    ix = _index(tmp_path / "bulk", lambda ix: BulkSegmentWriter(
        ix, compound=False, codec=InliningCodec()), docs)
    (segment,) = ix._segments()
    name = termdocs.file_name(segment)
    with_segment = (tmp_path / "bulk" / name).read_bytes()
    arrays = termdocs.load(ix.storage, name)
    assert arrays is not None and len(arrays.keys) > 0 and len(arrays.boffsets) > len(arrays.keys)
    (tmp_path / "bulk" / name).unlink()
    assert build_termdocs(ix.storage, ix.schema, segment) == name
    assert (tmp_path / "bulk" / name).read_bytes() == with_segment


def test_a_document_that_fails_halfway_leaves_no_postings_behind(tmp_path):
    import pytest

    storage = FileStorage(str(tmp_path)).create()
    ix = storage.create_index(build_schema(), indexname="main")
    w = BulkSegmentWriter(ix, compound=False, codec=InliningCodec())
    # Fields go in name order: body_en and id are indexed before title_en fails.
    with pytest.raises(ValueError):
        w.add_document(id="bad", lang="en", alang="en", body_en="zebra crossing", title_en=12)
    w.add_document(id="good", lang="en", alang="en", body_en="apple orchard", title_en="apples")
    w.commit()
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert searcher.doc_count_all() == 1
        assert [t for f, t in reader.all_terms() if f == "id"] == [b"good"]
        assert not any(f == "body_en" and t.startswith(b"zebra") for f, t in reader.all_terms())
        assert list(reader.postings("body_en", "appl").all_ids()) == [0]


def test_indexing_runs_the_cycle_collector_less_often_and_restores_it(tmp_path, monkeypatch):
    import gc

    import index.w3.bulkwrite as bulkwrite
    from index.writing import Indexer
    from index.store import IndexStore

    before = gc.get_threshold()
    during = []
    add = bulkwrite.TermPostings.add_document

    def watched(self, **fields):
        during.append(gc.get_threshold()[0])
        return add(self, **fields)

    monkeypatch.setattr(bulkwrite.TermPostings, "add_document", watched)
    Indexer(IndexStore.create(tmp_path / "ix")).add([{"id": "1", "text": "summit security", "lang": "en"}])
    assert during and min(during) >= 20_000 > before[0]
    assert gc.get_threshold() == before
    with pytest.raises(ValueError):
        with bulkwrite.fewer_collections():
            raise ValueError("a failing batch")
    assert gc.get_threshold() == before
