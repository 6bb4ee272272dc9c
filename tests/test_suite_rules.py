"""The test suite's own rules, run on small suites of their own (pytester): a quick test that
turns slow fails the run until it is marked, and the quick suite leaves PyTorch alone.

Issue 17: the 2-second `slow` rule was written down but nothing checked it, so tests of 3-5 s
sat unmarked in the quick suite.
"""

from __future__ import annotations

from pathlib import Path

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
    burn(0.3)


@pytest.mark.slow
def test_marked_and_slow():
    burn(0.3)
"""


def test_an_unmarked_test_over_the_limit_fails_and_a_marked_one_passes(pytester, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_LITE_SLOW_SECONDS", "0.1")  # 0.3 s is over it
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nmarkers = slow: takes over the limit\n")
    pytester.makepyfile(test_burns=BURNS_CPU)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_unmarked_and_slow took 0.* s of CPU, over the 0.1 s*mark it @pytest.mark.slow*"]
    )


def test_the_quick_suite_does_not_collect_the_torch_comparisons(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makeini("[pytest]\nmarkers = slow: takes over the limit\n")
    pytester.makepyfile(
        test_torch="raise ImportError('collected')", test_other="def test_a(): pass"
    )
    quick = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-m", "not slow")
    quick.assert_outcomes(passed=1)
    full = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    full.assert_outcomes(errors=1)  # collected: the ImportError stops the run
