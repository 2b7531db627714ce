"""What counts as a slip of the thumb on a phone keyboard, for matching typed words.

Two swapped letters, a neighbouring key, a letter typed twice or left out: these are the
slips people make in a hurry. A typed word that is itself a word (of the catalog, or any
well-formed Vietnamese syllable) is taken at its word more than as a slip: ``quat``
(quạt, a fan) is not a slip of ``qua``.
"""

from __future__ import annotations

from catalog.vietnamese import is_syllable

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _keyboard_neighbours() -> dict[str, set[str]]:
    """Keys next to each key on a phone's QWERTY keyboard: beside it, and above and below it.

    Each row sits half a key to the right of the one above, so key ``i`` of a row touches
    keys ``i`` and ``i + 1`` of the row above (``j`` touches ``u`` and ``i``).
    """
    near: dict[str, set[str]] = {ch: set() for row in _ROWS for ch in row}
    for r, row in enumerate(_ROWS):
        for i, ch in enumerate(row):
            near[ch].update(row[j] for j in (i - 1, i + 1) if 0 <= j < len(row))
            if r:
                above = _ROWS[r - 1]
                for j in (i, i + 1):
                    if j < len(above):
                        near[ch].add(above[j])
                        near[above[j]].add(ch)
    return near


NEIGHBOURS = _keyboard_neighbours()


def max_edits(word: str) -> int:
    """How many edits a look-alike of ``word`` may be away (OSA: a swap is one edit)."""
    if any(ch.isdigit() for ch in word) or len(word) < 2:  # 12000 must not find 18000
        return 0
    return 1 if len(word) <= 5 else 2


def doubled(typed: str, word: str) -> bool:
    """One letter typed twice or once too few (``lled`` for ``led``)."""
    longer, shorter = (typed, word) if len(typed) > len(word) else (word, typed)
    if len(longer) != len(shorter) + 1:
        return False
    return any(
        longer[i] == longer[i - 1] and longer[:i] + longer[i + 1 :] == shorter for i in range(1, len(longer))
    )


def is_slip(typed: str, word: str) -> bool:
    """A one-key slip: two letters swapped, or a neighbouring key hit instead."""
    if len(typed) != len(word) or typed == word:
        return False
    diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    if len(diff) == 2 and diff[1] == diff[0] + 1:
        return typed[diff[0]] == word[diff[1]] and typed[diff[1]] == word[diff[0]]
    return len(diff) == 1 and word[diff[0]] in NEIGHBOURS.get(typed[diff[0]], ())


def typo_similarity(typed: str, word: str, dist: int, typed_is_known: bool) -> float:
    """How likely ``typed`` is a slip for the catalog word ``word`` (0: not at all).

    ``dist`` is their OSA distance; ``typed_is_known``: ``typed`` is a catalog word itself,
    so only two swapped letters make it a slip. A slip of a word under five letters counts
    only beside a word typed right (the index sees to that); ``ai`` (who) is a word of
    chat, not a slip; a single letter is never one.
    """
    swap = dist == 1 and sorted(typed) == sorted(word) and is_slip(typed, word)
    slip = dist == 1 and is_slip(typed, word)
    if typed_is_known:
        return 0.8 if swap else 0.0
    if len(typed) < 2:
        return 0.0
    if len(typed) <= 3:
        return 0.8 if swap or (slip and (len(typed) == 3 or not is_syllable(typed))) else 0.0
    if is_syllable(typed):
        return 0.8 if slip else (0.55 if dist == 1 else 0.4)
    if dist == 2:
        return 0.6
    dropped = len(word) == len(typed) + 1  # ``huog``: a letter left out, and no word as typed
    return 0.85 if swap else 0.8 if slip or dropped or len(typed) >= 6 or doubled(typed, word) else 0.6
