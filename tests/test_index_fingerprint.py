"""Near-duplicate groups: fingerprints a few bits apart, chained, joined under their first document."""

import numpy as np

from index.fingerprint import MAX_DISTANCE, near_duplicate_groups


def test_documents_a_few_bits_apart_join_the_group_of_the_first():
    base = np.uint64(0x0123_4567_89AB_CDEF)
    near = base ^ np.uint64(0b101)  # two bits apart
    far = base ^ np.uint64(0xFFFF_0000_FFFF_0000)
    groups = near_duplicate_groups(np.array([far, base, 0, near, base], dtype=np.uint64))
    assert groups.tolist() == [0, 1, 2, 1, 1]


def test_groups_follow_chains_of_near_documents():
    a = np.uint64(0x0F0F_0F0F_0F0F_0F0F)
    b = a ^ np.uint64((1 << MAX_DISTANCE) - 1)            # MAX_DISTANCE bits from a
    c = b ^ np.uint64(((1 << MAX_DISTANCE) - 1) << 8)     # as far from b, twice as far from a
    groups = near_duplicate_groups(np.array([c, 0, b, a], dtype=np.uint64))
    assert groups.tolist() == [0, 1, 0, 0], "c ~ b ~ a: one group, under its first document"


def test_documents_without_a_fingerprint_stay_alone():
    groups = near_duplicate_groups(np.zeros(5, dtype=np.uint64))
    assert groups.tolist() == [0, 1, 2, 3, 4]
    assert near_duplicate_groups(np.zeros(0, dtype=np.uint64)).tolist() == []
