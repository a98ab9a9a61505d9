"""Source text -> verified program (+ diagnostics), the front half every tier shares."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ilo_runtime.diagnostics import Diagnostic

from .frontend import ast as A


@dataclass
class Checked:
    """A loaded program and everything reported while loading it."""

    program: A.Program | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def ok(self) -> bool:
        return self.program is not None and not self.errors


def read_source(path: str) -> A.SourceFile:
    """Read an ilo file as text (UTF-8)."""
    with open(path, encoding="utf-8", newline="") as f:
        return A.SourceFile(path, f.read())


def check(src: A.SourceFile, verify_program: bool = True) -> Checked:
    """Lex, parse, resolve imports and (unless dumping the AST) verify, in the order of
    diagnostics.md §1. The program is returned even when there were errors."""
    from .frontend.imports import load_program

    diags: list[Diagnostic] = []
    program, front = load_program(src)  # starts with the cross-language warning, if any
    diags.extend(front)
    if any(d.code and d.code.startswith("ILO-L") for d in front):
        return Checked(None, diags)
    if verify_program and program is not None:
        from .frontend.verify import verify

        diags.extend(verify(program))
    return Checked(program, diags)


def source_from(path_or_source: str | os.PathLike[str]) -> A.SourceFile:
    """A path to an existing file is read; any other string is ilo source text."""
    if isinstance(path_or_source, os.PathLike):
        return read_source(os.fspath(path_or_source))
    text = str(path_or_source)
    if "\n" not in text and len(text) < 4096 and os.path.isfile(text):
        return read_source(text)
    return A.SourceFile(None, text)
