"""The ilo verifier (static checker): language.md §3, §6; diagnostics.md §8.

Entry point: `verify(program) -> list[Diagnostic]`. It returns the warnings (T029, T032, T033)
first, then the errors, each group in the order diagnostics.md §8.1 gives (phase 1: alias
names, alias cycles, records, functions and tools, record field types; phase 2: bodies in
declaration order, lifted lambdas last in numbering order). It never raises on a program the
parser produces: a construct it cannot check is skipped.

Side effects later stages rely on:

* every `Expr` node reached gets `.ty`: its static type (`types.py` objects, aliases expanded,
  type variables and unknowns as `TAny`, `nil` as `TNil`);
* every `Call` gets `.resolved`: "builtin", "fn" (user function), "tool", or "local" (a local
  holding a function value, or a non-function local, which the verifier rejects); None only
  for an undefined callee (T005, program rejected);
* every `Name` gets `.resolved`: "local", "fn" (user function or tool used as a value) or
  "builtin" (a builtin usable as a value, builtins.md §6.1); None if undefined (T004).

Helpers for later stages:

* `resolve_type(program, t)` / `expand_alias(program, t)`: `t` with aliases expanded and type
  variables turned into `TAny` (the form every `.ty` has);
* `resolved_signature(program, name) -> (param_types, ret_type)` for a user function, tool or
  lifted lambda (None if there is no such declaration); parameter types in order, captures of
  lambdas not included.
"""

from __future__ import annotations

import re

from ilo_runtime.diagnostics import Diagnostic

from .ast import FnDecl, Program, ToolDecl
from .compat import TypeEnv
from .types import Type
from .verify_body import check_function
from .verify_ctx import DeclTable, FnSig, Sink
from .verify_decls import collect_decls

__all__ = ["expand_alias", "resolve_type", "resolved_signature", "verify"]

# Tests set this to let internal errors propagate instead of being swallowed.
STRICT = False

_LIT_NUMBER = re.compile(r"__lit_(\d+)$")


def verify(program: Program) -> list[Diagnostic]:
    """Check `program`; warnings first, then errors (empty list: the program is valid)."""
    sink = Sink()
    try:
        table = collect_decls(program, sink)
    except Exception:
        if STRICT:
            raise
        return sink.all()
    captures: dict[int, dict[str, Type]] = {}
    default_src = program.source
    for sig in _function_sigs(program, table):
        _check_one(table, sink, sig, captures, default_src)
    # Lambdas: check outer ones first (an enclosing lambda has a larger number) so capture
    # types are known, but report in ascending numbering order.
    lambdas = _lambda_sigs(program, table)
    per_lambda: dict[int, Sink] = {}
    for sig in reversed(lambdas):
        own = Sink()
        _check_one(table, own, sig, captures, default_src)
        per_lambda[id(sig)] = own
    for sig in lambdas:
        own = per_lambda[id(sig)]
        sink.warnings += own.warnings
        sink.errors += own.errors
    return sink.all()


def _check_one(table: DeclTable, sink: Sink, sig: FnSig, captures, default_src) -> None:
    try:
        check_function(table, sink, sig, captures, default_src)
    except Exception:
        if STRICT:
            raise


def _function_sigs(program: Program, table: DeclTable) -> list[FnSig]:
    """Signatures of the non-lambda functions with bodies, in declaration order."""
    env = table.env
    sigs = []
    for decl in program.decls:
        if isinstance(decl, FnDecl) and not decl.is_lambda:
            sigs.append(_sig_of(decl, env))
    return sigs


def _lambda_sigs(program: Program, table: DeclTable) -> list[FnSig]:
    """Lifted lambdas sorted by source file (first appearance) then lambda number."""
    env = table.env
    file_rank: dict[int, int] = {}
    items = []
    for index, decl in enumerate(program.decls):
        if isinstance(decl, FnDecl) and decl.is_lambda:
            rank = file_rank.setdefault(id(decl.source), len(file_rank))
            m = _LIT_NUMBER.match(decl.name)
            number = int(m.group(1)) if m else index
            items.append(((rank, number, index), _sig_of(decl, env)))
    items.sort(key=lambda item: item[0])
    return [sig for _, sig in items]


def _sig_of(decl: FnDecl | ToolDecl, env: TypeEnv) -> FnSig:
    kind = "tool" if isinstance(decl, ToolDecl) else "lambda" if decl.is_lambda else "fn"
    return FnSig(
        name=decl.name,
        params=[(p.name, env.resolve(p.type)) for p in decl.params],
        ret=env.resolve(decl.ret),
        kind=kind,
        decl=decl,
    )


def resolve_type(program: Program, t: Type) -> Type:
    """`t` with the program's aliases expanded and type variables as `TAny`."""
    return TypeEnv.from_program(program).resolve(t)


expand_alias = resolve_type


def resolved_signature(program: Program, name: str) -> tuple[list[Type], Type] | None:
    """(parameter types, result type) of function/tool/lambda `name`, aliases expanded.

    With duplicate declarations the last one is used; None if `name` is not declared.
    """
    env = TypeEnv.from_program(program)
    found: FnDecl | ToolDecl | None = None
    for decl in program.decls:
        if isinstance(decl, (FnDecl, ToolDecl)) and decl.name == name:
            found = decl
    if found is None:
        return None
    sig = _sig_of(found, env)
    return [t for _, t in sig.params], sig.ret

