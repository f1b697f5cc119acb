"""A linear-chain CRF tagger over windows of tokens, reading a CRFsuite model file.

Word segmentation models are CRFs whose features come from templates over a small window
of tokens: ``T[-1,0].lower`` is the previous token and this one, lower-cased and joined by a
space; ``T[1].istitle`` says whether the next token starts with a capital. The value of a
template depends only on the tokens in its window, so the weight a window gives each
label is found once per window, however many templates read it, and each token's score
is the sum of the windows around it. Tagging is then Viterbi over the labels.

The model file is CRFsuite's (``lCRF``): its labels and attribute names in two constant
hash databases (``CQDB``), each read back through its table from ids to records, and its
features as packed records of type, source, destination and weight.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import numpy as np
import regex

#: The parts of a template: ``T[start]`` or ``T[start,end]``, then an optional ``.kind``.
_TEMPLATE = regex.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(lower|isdigit|istitle|is_in_dict))?")
#: The value every template takes where its window leaves the sentence.
BEFORE, AFTER = "BOS", "EOS"
#: Tokens and longer windows remembered across calls; each cache is cleared when full, so
#: memory stays bounded (about 200 bytes an entry).
TOKEN_CACHE = 100_000
WINDOW_CACHE = 50_000

_FEATURE = np.dtype([("type", "<u4"), ("source", "<u4"), ("target", "<u4"), ("weight", "<f8")])


class ModelFormatError(ValueError):
    """The file is not a CRFsuite model this reader understands."""


@dataclass(frozen=True)
class CrfModel:
    labels: list[str]
    attributes: list[str]
    #: ``state[a, y]``: the weight of attribute ``a`` for label ``y``.
    state: np.ndarray
    #: ``transition[x, y]``: the weight of label ``y`` after label ``x``.
    transition: np.ndarray


def _strings(data: bytes, offset: int) -> list[str]:
    """Every key of the CQDB database at ``offset``, in id order."""
    chunk, _, _, _, count, backward = struct.unpack_from("<4sIIIII", data, offset)
    if chunk != b"CQDB":
        raise ModelFormatError(f"no string table at byte {offset}")
    # Each record: its id and its key's size (with the closing zero byte), then the key.
    starts = np.frombuffer(data, "<u4", count, offset + backward).astype(np.int64) + offset + 8
    sizes = np.frombuffer(data, np.uint8)[starts[:, None] - 4 + np.arange(4)].astype(np.int64)
    ends = starts + (sizes << np.array([0, 8, 16, 24])).sum(axis=1) - 1
    return [data[a:b].decode("utf-8") for a, b in zip(starts.tolist(), ends.tolist())]


def read_crfsuite(path: str) -> CrfModel:
    """The labels, attributes and weights of a CRFsuite model file."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return _model(path, data)
    except (struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:
        if isinstance(exc, ModelFormatError):
            raise
        raise ModelFormatError(f"{path} is a damaged CRFsuite model ({exc}): reinstall the "
                               "package it came with") from exc


def _model(path: str, data: bytes) -> CrfModel:
    header = struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
    if header[0] != b"lCRF" or header[2] != b"FOMC":
        raise ModelFormatError(f"{path} is not a CRFsuite model")
    labels, attributes = _strings(data, header[8]), _strings(data, header[9])
    chunk, _, count = struct.unpack_from("<4sII", data, header[7])
    if chunk != b"FEAT":
        raise ModelFormatError(f"{path} has no feature table")
    features = np.frombuffer(data, _FEATURE, count, header[7] + 12)
    state = np.zeros((len(attributes), len(labels)))
    transition = np.zeros((len(labels), len(labels)))
    for kind, table in ((0, state), (1, transition)):
        chosen = features[features["type"] == kind]
        np.add.at(table, (chosen["source"], chosen["target"]), chosen["weight"])
    return CrfModel(labels, attributes, state, transition)


@dataclass(frozen=True)
class Template:
    start: int
    end: int
    kind: str  # "", "lower", "isdigit", "istitle" or "is_in_dict"

    @classmethod
    def parse(cls, text: str) -> Template:
        m = _TEMPLATE.fullmatch(text)
        if m is None:
            raise ModelFormatError(f"unknown feature template {text!r}")
        start = int(m.group(1))
        end = int(m.group(2)) if m.group(2) is not None else start
        return cls(start, end, m.group(3) or "")

    @property
    def width(self) -> int:
        return self.end - self.start + 1


#: What a template reads in a window: its text, its lower case and which tokens are title-like.
_Reader = Callable[[str, str, list[bool]], int]
#: A token's lower case, whether it is title-like, and its one-token window's rows.
_Fact = tuple[str, bool, tuple[int, ...]]


def _reader(kind: str, known: dict[str, int], dictionary: frozenset[str]) -> _Reader:
    """What finds the row of a window for templates of ``kind`` (0: a value the model never saw)."""
    yes, no = known.get("True", 0), known.get("False", 0)

    def text(raw: str, lower: str, titles: list[bool]) -> int:
        return known.get(raw, 0)

    def lowered(raw: str, lower: str, titles: list[bool]) -> int:
        return known.get(lower, 0)

    def title(raw: str, lower: str, titles: list[bool]) -> int:
        return yes if all(titles) else no

    def digits(raw: str, lower: str, titles: list[bool]) -> int:
        return yes if raw.isascii() and raw.isdigit() else no

    def in_dictionary(raw: str, lower: str, titles: list[bool]) -> int:
        return yes if lower in dictionary else no

    return {"": text, "lower": lowered, "istitle": title, "isdigit": digits}.get(kind, in_dictionary)


def is_title(token: str) -> bool:
    """Starts with a capital, or with something that is not a letter (``Hà``, ``ABC``, ``123``)."""
    first = token[0]
    return first.isupper() or not first.isalpha()


class _Windows:
    """The templates of one window width: each window's summed weights, one row per start."""

    def __init__(self, templates: list[Template]) -> None:
        self.width = templates[0].width
        self.starts = sorted({t.start for t in templates})
        self.kinds = sorted({t.kind for t in templates})
        self._values: list[dict[str, int]] = [{} for _ in self.kinds]
        self._cells: list[np.ndarray] = []
        self.tables: list[np.ndarray] = []
        self.before: tuple[int, ...] = ()
        self.after: tuple[int, ...] = ()

    def add(self, template: Template, values: list[str], attributes: list[int]) -> None:
        """Counts the weights of ``attributes`` in the rows of windows where ``template``
        reads each of ``values``."""
        k = self.kinds.index(template.kind)
        known = self._values[k]
        rows = [known.setdefault(value, len(known) + 1) for value in values]
        cells = np.empty((len(rows), 4), dtype=np.intp)
        cells[:, 0], cells[:, 1], cells[:, 3] = k, rows, attributes
        cells[:, 2] = self.starts.index(template.start)
        self._cells.append(cells)

    def freeze(self, state: np.ndarray) -> None:
        """Sums the weights ``add`` collected into one table per kind of template."""
        cells = np.concatenate(self._cells) if self._cells else np.empty((0, 4), dtype=np.intp)
        self.tables = []
        for k, values in enumerate(self._values):
            mine = cells[cells[:, 0] == k]
            table = np.zeros((len(values) + 1, len(self.starts), state.shape[1]))
            np.add.at(table, (mine[:, 1], mine[:, 2]), state[mine[:, 3]])
            self.tables.append(table)
        del self._cells
        self.before = tuple(known.get(BEFORE, 0) for known in self._values)
        self.after = tuple(known.get(AFTER, 0) for known in self._values)

    def readers(self, dictionary: frozenset[str]) -> list[_Reader]:
        """For each kind, what finds a window's row from its text, its lower case and its capitals."""
        return [_reader(kind, known, dictionary) for kind, known in zip(self.kinds, self._values)]

    def weights(self, ids: list[int]) -> np.ndarray:
        """The summed weights of windows given by their rows, each window's rows one after
        another: ``(windows, starts, labels)``."""
        index = np.array(ids, dtype=np.intp).reshape(-1, len(self.kinds))
        total = self.tables[0][index[:, 0]]
        for k in range(1, len(self.kinds)):
            total += self.tables[k][index[:, k]]
        return total


class WindowTagger:
    """Tags sentences of tokens with a CRF whose features are window templates.

    ``dictionary`` holds the lower-cased words (``hà nội``) the ``is_in_dict`` templates ask about.
    """

    def __init__(self, model: CrfModel, templates: Sequence[str], dictionary: Iterable[str]) -> None:
        if len(model.labels) != 2:
            raise ModelFormatError(f"a segmentation model has two labels, not {len(model.labels)}")
        parsed = {text: Template.parse(text) for text in templates}
        self.before = max(0, -min(t.start for t in parsed.values()))
        self.after = max(0, max(t.end for t in parsed.values()))
        widths = sorted({t.width for t in parsed.values()})
        self.windows = [_Windows([t for t in parsed.values() if t.width == w]) for w in widths]
        by_width = dict(zip(widths, self.windows))
        found: dict[str, tuple[list[str], list[int]]] = {text: ([], []) for text in parsed}
        for attribute, name in enumerate(model.attributes):
            text, _, value = name.partition("=")
            if text in found:
                values, attributes = found[text]
                values.append(value)
                attributes.append(attribute)
        for text, (values, attributes) in found.items():
            by_width[parsed[text].width].add(parsed[text], values, attributes)
        self.dictionary = frozenset(dictionary)
        self._readers: list[list[_Reader]] = []
        for windows in self.windows:
            windows.freeze(model.state)
            self._readers.append(windows.readers(self.dictionary))
        #: Windows of two or more tokens already read, by their text.
        self._seen: list[dict[str, tuple[int, ...]]] = [{} for _ in self.windows]
        self.labels = model.labels
        self.transition: list[list[float]] = model.transition.tolist()
        self._tokens: dict[str, _Fact] = {}

    def tag(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """The label of every token of every sentence (no token may be empty)."""
        if not any(sentences):
            return [[] for _ in sentences]
        ids: list[list[int]] = [[] for _ in self.windows]
        tokens: list[int] = []  # where each real token sits among the padded ones
        flat = 0
        for sentence in sentences:
            facts = [self._token(t) for t in sentence]
            for at, out in enumerate(ids):
                self._window_ids(at, sentence, facts, out)
            tokens.extend(range(flat + self.before, flat + self.before + len(sentence)))
            flat += self.before + len(sentence) + self.after
        scores = self._scores(np.asarray(tokens, dtype=np.intp), ids).tolist()
        labelled, at = [], 0
        for sentence in sentences:
            path = _viterbi(scores[at:at + len(sentence)], self.transition) if sentence else []
            labelled.append([self.labels[y] for y in path])
            at += len(sentence)
        return labelled

    def _scores(self, tokens: np.ndarray, ids: list[list[int]]) -> np.ndarray:
        total = np.zeros((len(tokens), len(self.labels)))
        for windows, rows in zip(self.windows, ids):
            weights = windows.weights(rows)
            for column, start in enumerate(windows.starts):
                total += weights[tokens + start, column]
        return total

    def _token(self, token: str) -> _Fact:
        """A token's lower case, whether it is title-like, and its one-token window's rows."""
        known = self._tokens.get(token)
        if known is None:
            if len(self._tokens) >= TOKEN_CACHE:
                self._tokens.clear()
            lower, title = token.lower(), is_title(token)
            readers = self._readers[0] if self.windows[0].width == 1 else []
            known = self._tokens[token] = (lower, title, tuple([read(token, lower, [title])
                                                                for read in readers]))
        return known

    def _window_ids(self, at: int, sentence: Sequence[str],
                    facts: list[_Fact], out: list[int]) -> None:
        """Rows of every window of one width over the padded ``sentence``, one after another."""
        windows, readers, seen = self.windows[at], self._readers[at], self._seen[at]
        n, w = len(sentence), windows.width
        out.extend(windows.before * self.before)
        if w == 1:
            for fact in facts:
                out.extend(fact[2])
        else:
            for i in range(n - w + 1):
                raw = " ".join(sentence[i:i + w])
                rows = seen.get(raw)
                if rows is None:
                    if len(seen) >= WINDOW_CACHE:
                        seen.clear()
                    part = facts[i:i + w]
                    lower, titles = " ".join([f[0] for f in part]), [f[1] for f in part]
                    rows = seen[raw] = tuple([read(raw, lower, titles) for read in readers])
                out.extend(rows)
        out.extend(windows.after * (min(n, w - 1) + self.after))


def _viterbi(scores: list[list[float]], transition: list[list[float]]) -> list[int]:
    """The best label path, given each token's two label scores and the label-to-label
    weights; spelled out for two labels (begin and inside a word), as it runs per token.
    On a tie the first label wins, as in CRFsuite."""
    (t00, t01), (t10, t11) = transition
    b0, b1 = scores[0]
    back: list[tuple[int, int]] = []
    for s0, s1 in scores[1:]:
        a, b = b0 + t00, b1 + t10
        c, d = b0 + t01, b1 + t11
        back.append((0 if a >= b else 1, 0 if c >= d else 1))
        b0 = (a if a >= b else b) + s0
        b1 = (c if c >= d else d) + s1
    y = 0 if b0 >= b1 else 1
    path = [y]
    for came in reversed(back):
        y = came[y]
        path.append(y)
    return path[::-1]
