"""`prnt` (builtins.md §18): the only builtin that writes to stdout."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..display import display


def prnt(v: Any) -> Any:
    """`prnt v`: write the display form of `v` and a newline to stdout; return `v`."""
    out = sys.stdout  # looked up per call so that redirection (capsys, contextlib) applies
    out.write(display(v) + "\n")
    return v


BUILTINS: dict[str, Callable[..., Any]] = {"prnt": prnt}
