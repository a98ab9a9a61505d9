"""Exceptions that cross the Python boundary (design.md §4)."""

from __future__ import annotations

from typing import Any

from .diagnostics import Diagnostic


class IloRuntimeError(RuntimeError):
    """A runtime error of an ilo program (`ILO-R...`).

    Raised bare by builtins and operators (`code`, `message`); the tier that runs the program
    attaches the location (`diagnostic`) of the innermost executing statement and the call notes.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.diagnostic: Diagnostic | None = None

    def __str__(self) -> str:
        d = self.diagnostic
        if d is not None:
            lc = d.line_col()
            where = d.path or "<inline>"
            if lc is not None:
                where += f":{lc[0]}:{lc[1]}"
            return f"{where}: {self.code}: {self.message}"
        return f"{self.code}: {self.message}"


class IloCompileError(Exception):
    """A program that failed to load: the diagnostics, with file name, line:col and caret."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.to_text(with_path=True) for d in diagnostics))


class IloErr(Exception):
    """An ilo function returned `^e` to Python; the payload is in `.value`."""

    def __init__(self, value: Any) -> None:
        super().__init__(value)
        self.value = value


def rt_error(code: str, message: str) -> IloRuntimeError:
    """Shorthand used by builtins: `raise rt_error("ILO-R009", "...")`."""
    return IloRuntimeError(code, message)
