"""Message tests that pin meaning, not wording: what an error must name (the Value, the
argument, the sizes, the advice), in any order and any sentence around them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest


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
