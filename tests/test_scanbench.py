"""The scanner benchmark's scoring and the stress suite's generated cases."""

from __future__ import annotations

import random
import subprocess

import pytest

from catalog import scanbench, scanstress
from catalog.scanbench import Read
from catalog.scanner import Scanner


def test_a_wrong_code_beside_the_right_one_is_a_misread() -> None:
    answers = {
        b"right": [Read("A", True, "zxing/plain")],
        b"extra": [Read("A", True, "zxing/plain"), Read("B", False, "zbar/plain")],
        b"wrong": [Read("C", True, "zxing/x2")],
        b"none": [],
    }
    cases = [("set", data, ("A",)) for data in answers]
    [tally] = scanbench.run_chain(lambda data: answers[data], cases).values()
    assert (tally.images, tally.correct, tally.misread, tally.nothing) == (4, 1, 2, 1)
    assert tally.caught == 1  # the extra B was marked unsure; the wrong C was not
    assert tally.wrong_by_source == {"zbar/plain": 1, "zxing/x2": 1}
    table = scanbench.format_comparison({"current": {"set": tally}}, scanbench.no_code_set)
    assert "| set | current | 4 | 1 (25.0%) | 2 (50.0%) | 1/2 |" in table


def test_generated_codes_are_valid_and_read_back() -> None:
    rng = random.Random(1)
    scanner = Scanner()
    for kind in ("ean13", "ean8", "upca", "upce"):
        printed = scanstress.random_code(rng, kind)
        photo = scanstress.frame(rng, [scanstress.render_linear(kind, printed, 3.0)])
        keys = {c.key for c in scanner.scan(scanstress.jpeg(photo, 90)).codes}
        assert keys == {scanstress.expected_key(kind, printed)}, kind


def test_the_previous_chain_runs_from_history() -> None:
    try:
        chain = scanbench.previous_chain()
    except (OSError, subprocess.CalledProcessError) as exc:  # a shallow clone, no git
        pytest.skip(f"previous chain not available: {exc}")
    photo = scanstress.frame(random.Random(2), [scanstress.render_linear("ean13", "9521000000018", 3.0)])
    assert [r.key for r in chain(scanstress.jpeg(photo, 90))] == ["9521000000018"]
