"""The numpy postings and columns agree with Whoosh's own readers."""

from __future__ import annotations

import numpy as np

from index.postings import IndexArrays, term_spans
from search import Engine


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
    assert len(arrays.leaves) > 1, "the test needs several segments"
    for fieldname, text in [("body_en", "secur"), ("body_en", "summit"), ("title_en", "titl")]:
        ids, weights = arrays.postings(fieldname, text)
        expected = list(searcher.reader().postings(fieldname, text).items_as("weight"))
        alive = arrays.alive[ids]
        assert list(zip(ids[alive].tolist(), weights[alive].tolist())) == expected


def test_lengths_and_languages_match_whoosh():
    engine = _engine_with_segments()
    searcher = engine._store.searcher()
    arrays = IndexArrays(searcher)
    reader = searcher.reader()
    lengths = arrays.lengths("body_en")
    for docnum in reader.all_doc_ids():
        assert lengths[docnum] == (reader.doc_field_length(docnum, "body_en", 0) or 0)
    values, codes = arrays.codes("lang")
    for docnum, stored in reader.iter_docs():
        assert values[codes[docnum]] == stored["lang"]
    assert int(arrays.alive.sum()) == searcher.doc_count() == 18


def test_spans_come_from_the_stored_offsets():
    engine = _engine_with_segments()
    searcher = engine._store.searcher()
    docnum = searcher.document_number(id="9")
    text = searcher.stored_fields(docnum)["text"]
    spans = term_spans(searcher, docnum, [("body_en", "summit")])
    assert spans and all(text[s:e] == "summit" for s, e, _ in spans)
    assert np.all(np.diff([s for s, _, _ in spans]) > 0)
