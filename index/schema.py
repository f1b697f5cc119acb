"""The Whoosh schema: stored metadata, and a title and a body field per language.

Each language has its own fields (``title_ru``, ``body_ru`` ...) analysed by its
own analyzer; Vietnamese also has diacritic-free twins (``titlef_vi``,
``bodyf_vi``), Russian and Ukrainian a field of exact word forms (``exact_ru``).
Postings keep character offsets, so snippets are cut from the stored text
without analysing it again.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema

from analyzers import (EXACT_LANGUAGES, FOLDED_LANGUAGES, LANGUAGES, analyzer_for,
                       exact_analyzer_for, folded_analyzer_for)

#: Bumped whenever the schema or the analysis changes what is indexed.
SCHEMA_VERSION = 6


def title_field(lang: str, folded: bool = False) -> str:
    return f"titlef_{lang}" if folded else f"title_{lang}"


def body_field(lang: str, folded: bool = False) -> str:
    return f"bodyf_{lang}" if folded else f"body_{lang}"


def exact_field(lang: str) -> str:
    return f"exact_{lang}"


class TextField(NamedTuple):
    """An analysed text field's name taken apart: ``bodyf_vi`` is part ``body`` of language
    ``vi``, its diacritic-free twin (``folded``)."""

    part: str  # "title", "body" or "exact"
    lang: str
    folded: bool = False


_PARTS = {"title": ("title", False), "body": ("body", False), "titlef": ("title", True),
          "bodyf": ("body", True), "exact": ("exact", False)}


@lru_cache(maxsize=8192)
def text_field(fieldname: str) -> TextField | None:
    """``bodyf_vi`` -> ``TextField("body", "vi", True)``; None for a field that is not
    analysed text (``id``, ``lang`` ...). The one place field names are taken apart."""
    head, _, lang = fieldname.partition("_")
    found = _PARTS.get(head)
    return TextField(found[0], lang, found[1]) if found and lang else None


def field_language(fieldname: str) -> str | None:
    """``body_ru`` -> ``ru``; ``None`` for fields that are not analysed text."""
    field = text_field(fieldname)
    return field.lang if field else None


def is_part(fieldname: str, part: str) -> bool:
    """Whether ``fieldname`` is a ``part`` (``title``, ``body``) field, marked or folded."""
    field = text_field(fieldname)
    return field is not None and field.part == part


def build_schema() -> Schema:
    schema = Schema(
        id=ID(stored=True, unique=True),
        lang=ID(stored=True),
        alang=ID,  # the analysis language: per-language statistics count these
        title=STORED,
        text=STORED,
        date=STORED,
        day=DATETIME,
        datekey=ID,  # the date as YYYY-MM-DD: sorted, its values are in date order (date sort, months)
        site=ID,  # where the document comes from (Document.site): the source facet and filter
        simhash=COLUMN(NumericColumn("Q")),  # the text's fingerprint (index.fingerprint)
        vkey=COLUMN(NumericColumn("Q")),  # the key of what its meaning vectors embed (index.vectors)
        url=STORED,
        source=STORED,
        author=STORED,
        pages=STORED,  # where each page starts in the text (Document.pages)
        path=STORED,  # the file as people are shown it: relative to the folder indexed
        file=ID,  # the file's absolute path: what removing a file deletes by
        filekey=ID,  # "path\tcontent hash", on a file's last document (see index.live)
        unmarked=ID,  # the language, for a text in a language with marks typed without them
    )
    for lang in LANGUAGES:
        analyzer = analyzer_for(lang)
        schema.add(title_field(lang), TEXT(analyzer=analyzer, phrase=True, chars=True))
        schema.add(body_field(lang), TEXT(analyzer=analyzer, phrase=True, chars=True))
    for lang in FOLDED_LANGUAGES:
        folded = folded_analyzer_for(lang)
        schema.add(title_field(lang, True), TEXT(analyzer=folded, phrase=True, chars=True))
        schema.add(body_field(lang, True), TEXT(analyzer=folded, phrase=True, chars=True))
    for lang in EXACT_LANGUAGES:
        # Counts only: exact forms are for matching; offsets come from the lemma field.
        schema.add(exact_field(lang), TEXT(analyzer=exact_analyzer_for(lang), phrase=False))
    return schema
