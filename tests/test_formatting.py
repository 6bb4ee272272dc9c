"""The one formatting module the drawing, the step-through and the derivations share."""

from __future__ import annotations

import pytest

from autograd_lite.formatting import constant_text, format_number, operand_text


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0.70710678, "0.7071"),
        (-6.0, "-6.000"),
        (9e-7, "9.000e-7"),
        (123456.0, "1.235e+5"),
        (0.0, "0"),
        (-0.0, "0"),
    ],
)
def test_format_number_keeps_significant_digits(x: float, text: str) -> None:
    assert format_number(x, 4) == text


def test_operand_text_brackets_negative_numbers() -> None:
    assert operand_text(-2.0, 4) == "(-2.000)"
    assert operand_text(2.0, 4) == "2.000"


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (2, "2"),
        (0.5, "0.5"),
        (-1.0, "-1"),
        (1 / 3, "0.3333"),
        (0.1, "0.1"),
        (1e20, "1.000e+20"),
        (12346.0, "1.235e+4"),
        (0.125, "0.125"),
    ],
)
def test_constants_read_as_written_up_to_the_precision(x: float, text: str) -> None:
    assert constant_text(x, 4) == text
