"""Near-duplicate texts: a 64-bit SimHash of each document's word shingles, and the groups of
documents whose fingerprints differ in at most a few bits.

A document's fingerprint is computed when it is indexed (a fraction of a millisecond for a
news article). Each three-word shingle of its first :data:`MAX_WORDS` words is hashed to 64
bits; each bit of the fingerprint is the majority vote of that bit over the shingles. Texts
that share almost all their shingles (one article syndicated, re-published with another
headline or footer, fetched twice) get fingerprints a few bits apart; different stories,
about 32. Grouping pairs up the fingerprints that agree on one of four 16-bit quarters
(two fingerprints :data:`MAX_DISTANCE` bits apart agree on at least one), keeps the pairs
within that distance, and joins them into groups.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

#: Words a fingerprint reads, from the start: past this a text's shingles say nothing new.
MAX_WORDS = 5000
#: A text of fewer words has no fingerprint (0): too short to tell a copy from a brief.
MIN_WORDS = 12
#: A text of fewer words is fingerprinted with its title.
SHORT_TEXT = 60
#: Fingerprints at most this many bits apart are near-duplicates.
MAX_DISTANCE = 3
#: A quarter value shared by more fingerprints than this is not paired (a pattern, not a copy).
_MAX_BUCKET = 64
_SHINGLE = 3
_WORD = re.compile(r"\w+")
_BITS = np.arange(64, dtype=np.uint64)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """64 well-spread bits from each value (SplitMix64's finaliser)."""
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _rotated(x: np.ndarray, k: int) -> np.ndarray:
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


def document_fingerprint(title: str, text: str) -> int:
    """A document's fingerprint: of its text alone (a copy often comes under another headline),
    but of its title too when the text is short (:data:`SHORT_TEXT` words), which may be all
    that is left of many different articles (a site's boilerplate where the body was lost)."""
    words = _WORD.findall(text.lower())[:MAX_WORDS]
    if len(words) < SHORT_TEXT:
        words = _WORD.findall(title.lower()) + words
    return _fingerprint(words)


def simhash(text: str) -> int:
    """The text's 64-bit fingerprint; 0 for a text shorter than :data:`MIN_WORDS` words."""
    return _fingerprint(_WORD.findall(text.lower())[:MAX_WORDS])


def _fingerprint(words: list[str]) -> int:
    if len(words) < MIN_WORDS:
        return 0
    hashed = _mix(np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64,
                              count=len(words)))
    with np.errstate(over="ignore"):
        shingles = _mix(hashed[:-2] ^ _rotated(hashed[1:-1], 21) ^ _rotated(hashed[2:], 42))
    votes = ((shingles[:, None] >> _BITS) & np.uint64(1)).sum(axis=0, dtype=np.int64)
    bits = (votes * 2 > len(shingles)).astype(np.uint64)
    return int((bits << _BITS).sum(dtype=np.uint64))


def near_duplicate_groups(fingerprints: np.ndarray) -> np.ndarray:
    """For each document, the smallest document number of its group of near-duplicates (its
    own number when it has none). ``fingerprints``: one per document, 0 for none."""
    fingerprints = fingerprints.astype(np.uint64)
    have = np.nonzero(fingerprints)[0]
    pairs = []
    for quarter in range(4):
        key = (fingerprints[have] >> np.uint64(16 * quarter)) & np.uint64(0xFFFF)
        found = _pairs_sharing(have, key)
        close = np.bitwise_count(fingerprints[found[:, 0]] ^ fingerprints[found[:, 1]]) <= MAX_DISTANCE
        pairs.append(found[close])
    return _smallest_linked(len(fingerprints), np.concatenate(pairs))


def _smallest_linked(n: int, pairs: np.ndarray) -> np.ndarray:
    """For each of ``n`` documents, the smallest one linked to it through ``pairs``: each
    link lowers both ends to the smaller label, then labels jump to their label's label,
    until nothing changes."""
    label = np.arange(n, dtype=np.int64)
    a, b = pairs[:, 0], pairs[:, 1]
    while True:
        lower = np.minimum(label[a], label[b])
        moved = label.copy()
        np.minimum.at(moved, a, lower)
        np.minimum.at(moved, b, lower)
        moved = moved[moved]
        if np.array_equal(moved, label):
            return label
        label = moved


def _pairs_sharing(docs: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Pairs of ``docs`` with the same ``key``, in buckets of at most :data:`_MAX_BUCKET`,
    as rows of an ``(n, 2)`` array."""
    order = np.argsort(key, kind="stable")
    docs, key = docs[order], key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, len(key)])
    pairs = [np.empty((0, 2), dtype=np.int64)]
    for size in np.unique(sizes[(sizes > 1) & (sizes <= _MAX_BUCKET)]).tolist():
        first, second = np.triu_indices(size, 1)
        at = starts[sizes == size][:, None]
        pairs.append(np.stack([docs[at + first].ravel(), docs[at + second].ravel()], axis=1))
    return np.concatenate(pairs).astype(np.int64)
