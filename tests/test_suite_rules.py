"""The test suite's own rules, run on a small suite of its own (pytester): a quick test that
turns slow fails the run until it is marked, and the quick suite does not import a module whose
every test is slow (PyTorch, a browser); and the helper that message tests use.

Issue 17: the 2-second `slow` rule was written down but nothing checked it, so tests of 3-5 s
sat unmarked in the quick suite.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from messages import raises_naming

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")

BURNS_CPU = """
import time

import pytest


def burn(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_quick():
    pass


def test_unmarked_and_slow():
    burn(0.08)


@pytest.mark.slow
def test_marked_and_slow():
    burn(0.08)
"""

# A module whose every test is slow (torch, a browser): the quick suite does not import it.
ALL_SLOW_AND_HEAVY = """
import pytest

pytestmark = pytest.mark.slow
raise ImportError("imported")
"""


def test_an_unmarked_slow_test_fails_a_marked_one_passes_and_an_all_slow_module_waits(
    pytester, monkeypatch
):
    monkeypatch.setenv("AUTOGRAD_LITE_SLOW_SECONDS", "0.03")  # 0.08 s is over it
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nmarkers = slow: takes over the limit\n")
    pytester.makepyfile(test_burns=BURNS_CPU, test_torch=ALL_SLOW_AND_HEAVY)
    quick = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-m", "not slow")
    quick.assert_outcomes(passed=1, failed=1, deselected=1)  # test_torch.py is not imported
    quick.stdout.fnmatch_lines(
        ["*test_unmarked_and_slow took 0.* s of CPU, over the 0.03 s*mark it @pytest.mark.slow*"]
    )
    slow = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-m", "slow")
    slow.assert_outcomes(errors=1)  # test_torch.py is imported: the ImportError stops the run


def test_a_message_test_fails_when_the_message_leaves_out_a_term():
    with raises_naming(ValueError, "Value 'w'", "zero_grad()"):
        raise ValueError("the grad of Value 'w' is None; zero_grad() sets it to 0.0")
    missing_advice = raises_naming(ValueError, "Value 'w'", "zero_grad()")
    with (
        raises_naming(AssertionError, "the grad of Value 'w' is None", "zero_grad()"),
        missing_advice,
    ):
        raise ValueError("the grad of Value 'w' is None")
    with pytest.raises(TypeError), raises_naming(ValueError, "anything"):
        raise TypeError("another class")
