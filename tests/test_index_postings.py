"""The numpy postings and columns agree with Whoosh's own readers."""

from __future__ import annotations

import numpy as np
import pytest

from index.arrays import IndexArrays
from index.w3 import reading as w3
from search import Engine


@pytest.fixture(autouse=True)
def _segments_as_written(monkeypatch):
    """These tests read several segments side by side: small ones are not merged here."""
    from index.w3 import bulkwrite

    monkeypatch.setattr(bulkwrite, "MERGE_AT_ONCE", 10**9)


def _engine_with_segments():
    engine = Engine.in_memory(batch_size=3)
    docs = [{"id": str(i), "lang": "en" if i % 2 else "ru",
             "title": f"title {i}", "text": f"security summit number {i} " * (i % 4 + 1)}
            for i in range(20)]
    engine.add(docs)  # several commits: several segments
    engine.delete("4", "7")
    return engine


def test_postings_arrays_match_whoosh_matchers():
    engine = _engine_with_segments()
    searcher = engine._store.searcher()
    arrays = IndexArrays(searcher)
    assert len(arrays.segments.leaves) > 1, "the test needs several segments"
    for fieldname, text in [("body_en", "secur"), ("body_en", "summit"), ("title_en", "titl")]:
        ids, weights = arrays.terms.postings(fieldname, text)
        expected = list(searcher.reader().postings(fieldname, text).items_as("weight"))
        alive = arrays.columns.alive[ids]
        assert list(zip(ids[alive].tolist(), weights[alive].tolist())) == expected


def test_lengths_and_languages_match_whoosh():
    engine = _engine_with_segments()
    searcher = engine._store.searcher()
    arrays = IndexArrays(searcher)
    reader = searcher.reader()
    lengths = arrays.columns.lengths("body_en")
    for docnum in reader.all_doc_ids():
        assert lengths[docnum] == (reader.doc_field_length(docnum, "body_en", 0) or 0)
    values, codes = arrays.columns.codes("lang")
    for docnum, stored in reader.iter_docs():
        assert values[codes[docnum]] == stored["lang"]
    assert int(arrays.columns.alive.sum()) == searcher.doc_count() == 18


def test_lengths_of_a_field_some_segments_never_saw_are_zero():
    engine = Engine.in_memory(batch_size=3)
    engine.add([{"id": f"ru{i}", "lang": "ru", "title": "доклад", "text": "ядерная безопасность " * (i + 1)}
                for i in range(3)])  # a segment without any English field
    engine.add([{"id": f"en{i}", "lang": "en", "title": "report", "text": "nuclear safety " * (i + 1)}
                for i in range(3)])
    searcher = engine._store.searcher()
    arrays = IndexArrays(searcher)
    assert len(arrays.segments.leaves) == 2, "the test needs a segment per language"
    reader = searcher.reader()
    for fieldname in ("body_en", "body_ru"):
        lengths = arrays.columns.lengths(fieldname)
        expected = [reader.doc_field_length(d, fieldname, 0) or 0 for d in reader.all_doc_ids()]
        assert lengths.tolist() == expected
        assert lengths.tolist().count(0) == 3

def test_spans_come_from_the_stored_offsets():
    engine = _engine_with_segments()
    searcher = engine._store.searcher()
    docnum = searcher.document_number(id="9")
    text = searcher.stored_fields(docnum)["text"]
    spans = IndexArrays(searcher).spans.term_spans(docnum, [("body_en", "summit")])
    assert spans and all(text[s:e] == "summit" for s, e, _ in spans)
    assert np.all(np.diff([s for s, _, _ in spans]) > 0)


def _disk_engine_with_common_words(path, procs=1):
    from index import termdocs

    engine = Engine.create(path, batch_size=160, procs=procs)
    n = 320  # two segments of 160: terms in every document span two blocks
    assert 160 >= termdocs.MIN_DOCS
    engine.add([{"id": str(i), "lang": "en", "title": f"report {i % 7}",
                 "text": f"security summit {'talks ' * (i % 5)} number{i}"} for i in range(n)])
    engine.delete("5", "150")
    return engine


def _held(tdocs, h):
    """A term's documents and frequencies in a segment's arrays; None when they lack it."""
    (slot,) = tdocs.find([h])
    return tdocs.at(slot) if slot >= 0 else None


def _assert_arrays_match_whoosh(searcher, terms):
    arrays = IndexArrays(searcher)
    for fieldname, text in terms:
        ids, weights = arrays.terms.postings(fieldname, text)
        expected = list(searcher.reader().postings(fieldname, text).items_as("weight"))
        alive = arrays.columns.alive[ids]
        assert expected and list(zip(ids[alive].tolist(), weights[alive].tolist())) == expected


def test_every_segment_gets_scoring_arrays_that_match_whoosh(tmp_path):
    from index import termdocs

    engine = _disk_engine_with_common_words(tmp_path / "ix")
    searcher = engine._store.searcher()
    segments = w3.segments(engine._store.ix)
    assert len(segments) > 1
    for seg in segments:
        tdocs = termdocs.load(engine._store.ix.storage, termdocs.file_name(seg))
        assert tdocs is not None
        assert (len(tdocs.keys) > 0) == (seg.doc_count_all() >= termdocs.MIN_DOCS)
    segments = IndexArrays(searcher).segments
    for (reader, _), tdocs in zip(segments.leaves, segments.termdocs):
        if reader.doc_count_all() >= termdocs.MIN_DOCS:  # a common term is read from the file
            docs, _ = _held(tdocs, termdocs.term_hash("body_en", b"secur"))
            assert len(docs) == reader.doc_frequency("body_en", "secur")
    _assert_arrays_match_whoosh(searcher, [("body_en", "secur"), ("body_en", "talk"),
                                           ("title_en", "report"), ("lang", "en")])


def test_a_word_of_two_documents_is_read_from_the_arrays_and_one_of_a_single_document_inline(tmp_path):
    from index import termdocs

    engine = Engine.create(tmp_path / "ix")
    engine.add([{"id": str(i), "lang": "en", "title": "note",
                 "text": "summit " + ("zeppelin " if i in (3, 8) else "") + ("quasar" if i == 5 else "")}
                for i in range(10)])
    searcher = engine._store.searcher()
    arrays = IndexArrays(searcher)
    ((reader, _),), (tdocs,) = arrays.segments.leaves, arrays.segments.termdocs
    two = _held(tdocs, termdocs.term_hash("body_en", b"zeppelin"))
    assert two is not None and two[0].tolist() == sorted(searcher.document_number(id=d) for d in "38")
    assert _held(tdocs, termdocs.term_hash("body_en", b"quasar")) is None  # in the dictionary entry
    assert reader.term_info("body_en", "quasar").is_inlined()
    _assert_arrays_match_whoosh(searcher, [("body_en", "zeppelin"), ("body_en", "quasar")])
    spans = arrays.spans.term_spans(searcher.document_number(id="8"), [("body_en", "zeppelin")])
    assert [(s, e) for s, e, _ in spans] == [(7, 15)]

def test_parallel_indexing_writes_the_scoring_arrays_too(tmp_path):
    from index import termdocs

    engine = _disk_engine_with_common_words(tmp_path / "ix", procs=2)
    storage = engine._store.ix.storage
    assert all(storage.file_exists(termdocs.file_name(seg)) for seg in w3.segments(engine._store.ix))
    _assert_arrays_match_whoosh(engine._store.searcher(), [("body_en", "summit")])


def test_missing_or_damaged_scoring_arrays_fall_back_to_whoosh_blocks(tmp_path):
    from index import termdocs

    engine = _disk_engine_with_common_words(tmp_path / "ix")
    before = engine.search("security talks", limit=20)
    segments = w3.segments(engine._store.ix)
    (tmp_path / "ix" / termdocs.file_name(segments[0])).unlink()
    (tmp_path / "ix" / termdocs.file_name(segments[1])).write_bytes(termdocs.MAGIC + b" broken")
    reopened = Engine.open(tmp_path / "ix")
    _assert_arrays_match_whoosh(reopened._store.searcher(), [("body_en", "secur")])
    after = reopened.search("security talks", limit=20)
    assert [h.id for h in after.hits] == [h.id for h in before.hits]
    assert [h.snippet for h in after.hits] == [h.snippet for h in before.hits]
    assert any(marked for h in after.hits for _, marked in h.snippet)
    assert after.total == before.total


def test_a_terms_numbers_and_frequencies_in_a_segment_come_from_one_read_of_its_file(tmp_path, monkeypatch):
    from index import termdocs
    from index.w3.storage import SharedFile

    engine = _disk_engine_with_common_words(tmp_path / "ix")
    tdocs = IndexArrays(engine._store.searcher()).segments.termdocs[0]
    (slot,) = tdocs.find([termdocs.term_hash("body_en", b"secur")])
    reads = []
    real_get = SharedFile.get
    monkeypatch.setattr(SharedFile, "get", lambda self, at, n: reads.append(n) or real_get(self, at, n))
    docs, freqs = tdocs.at(slot)
    assert len(reads) == 1 and len(docs) == len(freqs) == 160
    assert docs.tolist() == list(range(160)) and set(freqs.tolist()) == {1}


def test_postings_side_by_side_read_back_as_the_arrays_they_were_made_from():
    from index import termdocs

    starts = np.array([0, 3, 3, 7, 8])  # four terms, one without postings
    for doc_type, freq_type in ((np.uint16, np.uint8), (np.uint32, np.uint16)):
        docs = np.array([5, 9, 300, 0, 1, 2, 65_535, 42], dtype=doc_type)
        freqs = np.array([1, 2, 255, 4, 5, 6, 7, 8], dtype=freq_type)
        raw = termdocs.side_by_side(docs, freqs, starts)
        postings = termdocs._SideBySide(raw, 0, np.dtype(doc_type), np.dtype(freq_type))
        for t in range(len(starts) - 1):
            a, b = int(starts[t]), int(starts[t + 1])
            got_docs, got_freqs = postings.both(a, b)
            assert got_docs.tolist() == docs[a:b].tolist() == postings.docs(a, b).tolist()
            assert got_freqs.tolist() == freqs[a:b].tolist()


def test_scoring_arrays_of_another_layout_are_ignored_and_blocks_give_the_same_results(tmp_path):
    from index import termdocs

    engine = _disk_engine_with_common_words(tmp_path / "ix")
    before = engine.search("security talks", limit=20)
    storage = engine._store.ix.storage
    for seg in w3.segments(engine._store.ix):
        path = tmp_path / "ix" / termdocs.file_name(seg)
        data = path.read_bytes()
        assert data.startswith(termdocs.MAGIC)
        path.write_bytes(b"SRCHTDA3" + data[len(termdocs.MAGIC):])
        assert termdocs.load(storage, path.name) is None
    reopened = Engine.open(tmp_path / "ix")
    after = reopened.search("security talks", limit=20)

    def shown(results):
        return [(h.id, h.score, h.snippet) for h in results.hits]

    assert shown(after) == shown(before)
    assert after.total == before.total > 0


def test_spans_of_common_terms_are_found_through_the_scoring_arrays(tmp_path):
    engine = _disk_engine_with_common_words(tmp_path / "ix")
    searcher = engine._store.searcher()
    arrays = IndexArrays(searcher)
    assert any(t is not None and len(t.keys) for t in arrays.segments.termdocs)
    for doc_id in ("0", "131", "200", "255"):
        docnum = searcher.document_number(id=doc_id)
        text = searcher.stored_fields(docnum)["text"]
        spans = arrays.spans.term_spans(docnum, [("body_en", "secur"), ("body_en", "talk")])
        assert [text[s:e] for s, e, _ in spans if _ == "secur"] == ["security"]
        assert len([1 for *_, t in spans if t == "talk"]) == int(doc_id) % 5
        assert all(text[s:e] == "talks" for s, e, t in spans if t == "talk")
        # a word in one document only: its postings sit in the term dictionary
        own = arrays.spans.term_spans(docnum, [("body_en", f"number{doc_id}")])
        assert [text[s:e] for s, e, _ in own] == [f"number{doc_id}"]


def test_the_block_holding_a_document_is_found_without_reading_the_ones_before(tmp_path):
    from index import termdocs

    engine = _disk_engine_with_common_words(tmp_path / "ix")
    arrays = IndexArrays(engine._store.searcher())
    reader, _ = arrays.segments.leaves[0]
    tdocs = arrays.segments.termdocs[0]
    terms = reader._terms
    info = terms.term_info("body_en", b"secur")
    (slot,) = tdocs.find([termdocs.term_hash("body_en", b"secur")])
    m = terms._codec.postings_reader(terms._postfile, info, reader.schema["body_en"].format)
    walked = {}  # docnum -> position of its block, by reading every block in turn
    position = m._baseoffset
    while m.is_active():
        m._read_ids()
        for docnum in m._ids:
            walked[docnum] = position
        position = m._nextoffset
        m._next_block()
    assert len(set(walked.values())) >= 2, "the test needs a term over several blocks"
    assert all(tdocs.block_at(slot, d) == p for d, p in walked.items())
    assert tdocs.block_at(slot, reader.doc_count_all() + 5) == -1, "a document without the term"


def test_spans_of_a_term_a_document_lacks_are_empty_without_walking_its_blocks(tmp_path, monkeypatch):
    from index.w3 import reading

    engine = _disk_engine_with_common_words(tmp_path / "ix")
    arrays = IndexArrays(engine._store.searcher())
    ids, _ = arrays.terms.postings("body_en", "talk")
    lacking = next(d for d in range(int(ids.min()), int(ids.max())) if d not in set(ids.tolist()))
    assert ids.min() < lacking < ids.max(), "the test needs a document inside the term's range"

    def walked(*args, **kwargs):
        raise AssertionError("walked the blocks of a term the arrays hold")

    monkeypatch.setattr(reading, "_occurrences_by_walking", walked)
    assert arrays.spans.term_spans(lacking, [("body_en", "talk")]) == []
    assert arrays.spans.term_spans(int(ids[len(ids) // 2]), [("body_en", "talk")])


def test_the_filter_knows_every_term_of_its_segment_and_refuses_most_others(tmp_path):
    from index import termdocs

    engine = _disk_engine_with_common_words(tmp_path / "ix")
    arrays = IndexArrays(engine._store.searcher())
    for (reader, _), tdocs in zip(arrays.segments.leaves, arrays.segments.termdocs):
        held = list(reader._terms.terms())
        assert held and all(tdocs.may_contain(termdocs.term_hash(f, t)) for f, t in held)
        absent = [termdocs.term_hash("body_en", f"absent{i}".encode()) for i in range(2000)]
        assert sum(map(tdocs.may_contain, absent)) < 100


def test_terms_located_together_are_in_the_arrays_exactly_when_whoosh_has_a_block_for_them(tmp_path):
    from index import termdocs

    engine = _disk_engine_with_common_words(tmp_path / "ix")
    arrays = IndexArrays(engine._store.searcher())
    for (reader, _), tdocs in zip(arrays.segments.leaves, arrays.segments.termdocs):
        held = list(reader._terms.terms())
        absent = [termdocs.term_hash("body_en", f"absent{i}".encode()) for i in range(300)]
        slots = tdocs.find([termdocs.term_hash(f, t) for f, t in held] + absent)
        for (fieldname, tbytes), slot in zip(held, slots):
            info = reader._terms.term_info(fieldname, tbytes)
            if info.is_inlined() or info.doc_frequency() < termdocs.MIN_DOCS:
                assert slot == termdocs.NOT_HELD
            else:
                expected = [d for d, _ in reader.postings(fieldname, tbytes).items_as("weight")]
                assert slot >= 0
                assert [d for d in tdocs.at(slot)[0].tolist() if not reader.is_deleted(d)] == expected
                assert tdocs.count(slot) == info.doc_frequency()
        assert any(s >= 0 for s in slots), "the test needs terms in the arrays"
        assert all(s in (termdocs.ABSENT, termdocs.NOT_HELD) for s in slots[len(held):])
        assert slots[len(held):].count(termdocs.ABSENT) > 250, "the filter turns most absent terms away"
    # A term located before its postings are read gives the same postings as one that was not.
    fresh = IndexArrays(engine._store.searcher())
    pairs = [("body_en", "secur"), ("body_en", "talk"), ("title_en", "report"), ("body_en", "absent")]
    fresh.terms.locate(pairs)
    for pair in pairs:
        expected = IndexArrays(engine._store.searcher()).terms.postings(*pair)
        got = fresh.terms.postings(*pair)
        assert got[0].tolist() == expected[0].tolist() and got[1].tolist() == expected[1].tolist()
    assert fresh.terms.locate([("no_such_field", "x")]) == [None]


def test_spans_found_from_a_documents_place_among_the_postings_are_those_found_by_search(tmp_path):
    engine = _disk_engine_with_common_words(tmp_path / "ix")
    searcher = engine._store.searcher()
    arrays = IndexArrays(searcher)
    assert len(arrays.segments.leaves) == 2, "the test needs two segments"
    for term in [("body_en", "talk"), ("body_en", "secur"), ("body_en", "number77")]:
        ids, _ = arrays.terms.postings(*term)
        docs = np.arange(arrays.size)
        at = np.minimum(ids.searchsorted(docs), len(ids) - 1)
        held = ids[at] == docs
        ranks = arrays.spans.ranks_in_segments(ids, at[held], docs[held])
        assert len(ranks) == len(ids) > 0
        for docnum, k in zip(docs[held].tolist(), ranks.tolist()):
            expected = [(s, e) for s, e, _ in arrays.spans.term_spans(docnum, [term])]
            assert expected and arrays.spans.spans_at(docnum, *term, k) == expected
        # the second segment's documents count from its own first posting
        second = docs[held] >= arrays.segments.firsts[1]
        assert ranks[second].tolist() == list(range(int(second.sum())))



def test_cached_postings_stay_within_their_budget_and_still_answer(monkeypatch):
    import index.postings

    monkeypatch.setattr(index.postings, "_POSTINGS_BUDGET", 25)
    engine = _engine_with_segments()
    arrays = IndexArrays(engine._store.searcher())
    terms = [("body_en", "secur"), ("body_en", "summit"), ("title_en", "titl")]
    first = [arrays.terms.postings(f, t)[0].tolist() for f, t in terms]
    assert all(len(ids) == 10 for ids in first), first
    assert arrays.terms._postings.currsize <= 25 and ("body_en", "secur") not in arrays.terms._postings, (
        "the least recently used term must go once the budget is passed")
    assert [arrays.terms.postings(f, t)[0].tolist() for f, t in terms] == first
