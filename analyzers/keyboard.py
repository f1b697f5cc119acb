"""Keyboard layouts: which letter each key of one layout types on another.

A word typed with the wrong layout on is made of the other layout's letters on the same
keys (``ctqcvbxtcrbt`` is ``сейсмические`` typed on the Latin layout).
"""

from __future__ import annotations

#: The letter keys of the Latin (QWERTY) layout, row by row ...
LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
#: ... and what the same keys type on the Russian (ЙЦУКЕН) layout.
RUSSIAN = "йцукенгшщзхъфывапролджэячсмитьбюё"


def on_layout(word: str, typed: str, meant: str) -> str | None:
    """``word``, typed on the keys of layout ``typed``, as layout ``meant`` puts letters on
    them; a capital stays a capital. None when a character of it is not one of the keys."""
    out = []
    for ch in word:
        lower = ch.lower()
        at = typed.find(lower) if len(lower) == 1 else -1
        if at < 0:
            return None
        letter = meant[at]
        out.append(letter.upper() if ch != lower and letter.isalpha() else letter)
    return "".join(out) or None
