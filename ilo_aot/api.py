"""`ilo_aot.load`: an ilo module as a Python module object (design.md §1, §4, §6)."""

from __future__ import annotations

import itertools
import os
import types
from typing import Any

from ilo_runtime.boundary import RecordType, py_name
from ilo_runtime.diagnostics import Diagnostic
from ilo_runtime.errors import IloCompileError
from ilo_runtime.fallback import call_entry, ensure_recursion_limit, load_generated
from ilo_runtime.ops import FALLBACK_RECURSION_LIMIT
from ilo_runtime.values import FnRef

from .frontend import ast as A
from .frontend.types import render_type
from .jit.tiered import JitSettings, TieredProgram
from .pipeline import check, source_from
from .pygen.module import generate

ENGINES = ("auto", "interp", "llvm", "arm64")
_counter = itertools.count()



class IloModule(types.ModuleType):
    """A loaded ilo module: functions and record types as attributes (Python names, and the
    ilo names through getattr)."""

    def __getattr__(self, name: str) -> Any:
        alias = py_name(name)
        if alias != name and alias in self.__dict__:
            return self.__dict__[alias]
        raise AttributeError(f"ilo module {self.__name__!r} has no function or type {name!r}")


def signature_text(fn: A.FnDecl) -> str:
    """The ilo header of a function: `tot p:n q:n r:n>n`."""
    params = " ".join(f"{p.name}:{_type_src(p.type)}" for p in fn.params)
    return f"{fn.name} {params}>{_type_src(fn.ret)}" if params else f"{fn.name}>{_type_src(fn.ret)}"


def _type_src(t: Any) -> str:
    text = render_type(t)
    return f"({text})" if " " in text else text


class LoadedProgram:
    """A verified program with its fallback tier loaded (shared by `load` and the CLI).

    `hot_hooks` and `extra` are the tiered JIT's instrumentation (see `pygen.module.generate`).
    """

    def __init__(
        self,
        src: A.SourceFile,
        program: A.Program,
        hot_hooks: frozenset[str] = frozenset(),
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.src = src
        self.program = program
        self.generated = generate(program, hot_hooks)
        filename = f"<ilo:{src.path or 'inline'}#{next(_counter)}>"
        self.namespace = load_generated(self.generated.source, filename, extra)
        self.functions: dict[str, FnRef] = self.namespace["_FUNCTIONS"]
        self.decls = {f.name: f for f in program.functions()}

    def call(self, name: str, args: list[Any]) -> Any:
        """Run an ilo function on ilo values in the fallback tier."""
        return call_entry(self.functions[name], args)


def _read(path_or_source: str | os.PathLike[str]) -> A.SourceFile:
    """The source, or an IloCompileError naming the file when it is not UTF-8 text."""
    try:
        return source_from(path_or_source)
    except UnicodeDecodeError as e:
        path = os.fspath(path_or_source)
        raise IloCompileError(
            [Diagnostic(f"{path} is not UTF-8 text ({e.reason} at byte {e.start})", path=path)]
        ) from None


def compile_program(path_or_source: str | os.PathLike[str]) -> LoadedProgram:
    """Load and verify an ilo source, raising IloCompileError with the diagnostics."""
    src = _read(path_or_source)
    checked = check(src)
    if not checked.ok or checked.program is None:
        raise IloCompileError(checked.errors or checked.diagnostics)
    return LoadedProgram(src, checked.program)


def load(
    path_or_source: str | os.PathLike[str],
    engine: str = "auto",
    settings: JitSettings | None = None,
) -> IloModule:
    """Load an ilo module from a path or from source text.

    Returns a module object whose attributes are the ilo functions (as Python callables with
    docstrings and signatures) and record types. `engine` is "auto" (tiered: the fallback tier
    first, native code once a function is hot), "interp" (fallback tier only), "llvm" (native
    where eligible, from the start) or "arm64" (the raw AArch64 backend; aarch64 hosts only).
    Raises IloCompileError (with the diagnostics) for a program that does not verify.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    ensure_recursion_limit(FALLBACK_RECURSION_LIMIT)
    src = _read(path_or_source)
    checked = check(src)
    if not checked.ok or checked.program is None:
        raise IloCompileError(checked.errors or checked.diagnostics)
    name = os.path.splitext(os.path.basename(src.path))[0] if src.path else "ilo_inline"
    tier = TieredProgram(src, checked.program, engine, settings, module_name=name)
    module = IloModule(name)
    module.__file__ = src.path
    lines = []
    for fname, decl in tier.decls.items():
        setattr(module, py_name(fname), tier.callable(fname))
        lines.append(f"    {signature_text(decl)}")
    for decl in checked.program.decls:
        if isinstance(decl, A.TypeDecl):
            setattr(module, py_name(decl.name), RecordType(decl.name, [f.name for f in decl.fields]))
    module.__doc__ = f"ilo module {name} (engine {engine})\n\nFunctions:\n" + "\n".join(lines)
    module.__ilo_tiers__ = tier  # type: ignore[attr-defined]
    tier.listeners.append(lambda fname, fn: setattr(module, py_name(fname), fn))
    tier.start()
    return module
