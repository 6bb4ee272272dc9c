"""Message tests that pin meaning, not wording: what an error must name (the Value, the
argument, the sizes, the advice), in any order and any sentence around them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

import autograd_lite as al


@contextmanager
def raises_naming(
    error: type[BaseException] | tuple[type[BaseException], ...], *terms: str
) -> Iterator[pytest.ExceptionInfo]:
    """Expect an `error` (that class or a subclass, or one of a tuple of classes) whose message
    contains every one of `terms`.

    `with raises_naming(al.ArgumentTypeError, "Value 'w'", "zero_grad()"):` passes for any
    message that names the Value and gives that advice."""
    with pytest.raises(error) as caught:
        yield caught
    message = str(caught.value)
    missing = [term for term in terms if term not in message]
    assert not missing, f"the message {message!r} does not name {missing}"


def argument_refusal_failure(call: Callable[[], object], argument: str) -> str:
    """'' when `call()` raises an AutogradError whose message names `argument` (as written, or
    with spaces for underscores: 'show grad'); else what went wrong, for a test that tries many
    bad values and lists every failure."""
    try:
        call()
    except al.AutogradError as error:
        if argument not in str(error) and argument.replace("_", " ") not in str(error):
            return f"the message does not name {argument!r}: {error}"
    except Exception as error:  # reported beside the other values' failures
        return f"raised {type(error).__name__}, not an AutogradError: {error}"
    else:
        return "raised nothing"
    return ""
