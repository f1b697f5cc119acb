"""Query text -> a parsed query -> a Whoosh query per language.

The syntax people know: ``"a phrase"``, ``-word`` or ``NOT word``, ``OR``,
``title:word``, ``lang:ru``, ``date:2024``, ``date:2024-01..2024-06-30``,
``source:rt.com``, ``=стали`` (that exact form). A query of filters alone lists
every document they let through. Anything else is text. Odd input is read
leniently: an unclosed quote runs to the end, a lone ``-`` or an empty
``title:`` is ignored, ``*`` is ignored. Runs of plain words are analysed
whole, so Vietnamese words that span spaces (``hạt nhân``) stay words.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from analyzers import canonical_language

from index.documents import site_key
from index.limits import MAX_QUERY_CHARS

from index.errors import QueryError

_TOKEN = re.compile(
    r'''(?P<neg>-|\bNOT\s+)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)(?:"|$)|(?P<word>[^\s"]+))'''
    r'''|(?P<quote>")''')
_FIELDS = ("title", "lang", "date", "source", "body", "text")
_DATE_PART = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass
class Clause:
    """One positive or negative piece of a query."""

    text: str
    phrase: bool = False
    title_only: bool = False
    exact: bool = False


@dataclass
class ParsedQuery:
    """A query as the user meant it, before any analysis."""

    groups: list[list[Clause]] = field(default_factory=list)  # AND of ORs
    negative: list[Clause] = field(default_factory=list)
    lang: str | None = None
    date_from: _dt.datetime | None = None
    date_to: _dt.datetime | None = None
    #: A document's source: its ``source`` field's site, or its address's host (``rt.com``).
    source: str | None = None

    @property
    def empty(self) -> bool:
        """No word to look for (filters alone may still be given)."""
        return not self.groups

    @property
    def words(self) -> str:
        """The words looked for, as typed, one space between each."""
        return " ".join(c.text for group in self.groups for c in group)

    @property
    def filtered(self) -> bool:
        """A language, dates or a source narrow the results."""
        return bool(self.lang or self.date_from or self.date_to or self.source)


def _date_bound(text: str, end: bool) -> _dt.datetime:
    m = _DATE_PART.match(text.strip())
    if not m:
        raise QueryError(
            f"date {text!r} is not a date: write date:2024, date:2024-05 or "
            "date:2024-01-01..2024-06-30")
    year = int(m[1])
    month = int(m[2]) if m[2] else (12 if end else 1)
    try:
        if m[3]:
            day = _dt.date(year, month, int(m[3]))
        elif end:
            nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
            day = nxt - _dt.timedelta(days=1)
        else:
            day = _dt.date(year, month, 1)
    except ValueError as exc:
        raise QueryError(f"date {text!r} is not a valid date ({exc})") from exc
    return _dt.datetime(day.year, day.month, day.day)


def _date_range(value: str) -> tuple[_dt.datetime | None, _dt.datetime | None]:
    value = value.strip()
    for op in (">=", "<=", ">", "<"):
        if value.startswith(op):
            bound = value[len(op):]
            if op.startswith(">"):
                return _date_bound(bound, end=op == ">"), None
            return None, _date_bound(bound, end=op == "<=")
    if ".." in value:
        lo, _, hi = value.partition("..")
        return (_date_bound(lo, False) if lo else None), (_date_bound(hi, True) if hi else None)
    return _date_bound(value, False), _date_bound(value, True)


def parse(text: str) -> ParsedQuery:
    """Parse query text. Raises :class:`QueryError` only for what cannot be read leniently."""
    if not isinstance(text, str):
        raise QueryError(f"the query must be text, not {type(text).__name__}")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query has {len(text):,} characters; the limit is {MAX_QUERY_CHARS:,}: shorten it")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    parser = _Parser()
    for m in _TOKEN.finditer(text):
        if not m["quote"]:
            parser.token(m)
    parser.flush()
    return parser.q


class _Parser:
    """A query's clauses, gathered token by token: a run of plain words makes one clause, and
    ``OR`` puts the next clause in the group of the one before."""

    def __init__(self) -> None:
        self.q = ParsedQuery()
        self.run: list[str] = []
        self.pending_or = False

    def token(self, m: re.Match[str]) -> None:
        neg, fname, phrase, word = m["neg"], (m["field"] or "").lower(), m["phrase"], m["word"]
        if word is not None:
            word = word.replace("*", "").strip("-")
        value = phrase if phrase is not None else word
        if word and word.endswith(":") and word[:-1].lower() in _FIELDS:
            return  # a field name with nothing after it
        if fname and fname not in _FIELDS:
            value, fname = m.group(0).lstrip("-"), ""
            if neg and neg.startswith("NOT"):
                value = value[3:].strip()
            phrase = None
        if fname in ("lang", "date", "source"):
            self._filter(fname, value)
        elif word == "OR" and not neg and not fname:
            self.flush()
            self.pending_or = bool(self.q.groups)
        elif value and value.strip():
            exact = word is not None and word.startswith("=") and len(word) > 1
            clause = Clause(value[1:] if exact else value, phrase=phrase is not None,
                            title_only=fname == "title", exact=exact)
            self._place(clause, bool(neg))

    def _filter(self, fname: str, value: str | None) -> None:
        if fname == "lang":
            self.q.lang = canonical_language(value) if value else None
        elif fname == "source":
            self.q.source = site_key(value) if value else None
        elif value:
            self.q.date_from, self.q.date_to = _date_range(value)

    def _place(self, clause: Clause, negative: bool) -> None:
        if negative:
            self.flush()
            self.q.negative.append(clause)
        elif clause.phrase or clause.title_only or clause.exact or self.pending_or:
            self.flush()
            self.add(clause)
        else:
            self.run.append(clause.text)

    def flush(self) -> None:
        """The run of plain words so far becomes one clause."""
        if self.run:
            self.add(Clause(" ".join(self.run)))
            self.run.clear()

    def add(self, clause: Clause) -> None:
        if self.pending_or and self.q.groups:
            self.q.groups[-1].append(clause)
        else:
            self.q.groups.append([clause])
        self.pending_or = False
