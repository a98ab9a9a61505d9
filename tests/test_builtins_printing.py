"""`prnt` (builtins.md §18) and the BUILTINS table as a whole."""

import io
import sys

from ilo_runtime.builtins import BUILTIN_ARITIES, BUILTINS, GROUPS, VARIADIC_MIN
from ilo_runtime.values import Ok


def test_prnt_writes_display_form_and_returns_value(capsys):
    v = [1.0, "a", Ok(0.5)]
    assert BUILTINS["prnt"](v) is v
    BUILTINS["prnt"](-0.0)
    assert capsys.readouterr().out == "[1, a, ~0.5]\n0\n"


def test_prnt_looks_up_stdout_at_call_time(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(sys, "stdout", buf)
    BUILTINS["prnt"]("x")
    assert buf.getvalue() == "x\n"


def test_every_builtin_is_implemented():
    names = set(BUILTIN_ARITIES) | set(VARIADIC_MIN)
    assert len(names) == 111
    assert names == set(BUILTINS)
    assert set(GROUPS) == set(BUILTINS)
