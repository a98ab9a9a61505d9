"""Helpers for the IR/LLVM tests: build ilo syntax trees by hand (no parser needed) and load
programs from source when the front end is available. No tests here."""

from __future__ import annotations

from ilo_aot.frontend import ast as A
from ilo_aot.frontend.types import BOOL, NUM, TEXT, Type

_TYPES: dict[str, Type] = {"n": NUM, "b": BOOL, "t": TEXT}


def num(v: float) -> A.Num:
    return A.Num(float(v))


def true() -> A.Bool:
    return A.Bool(True)


def false() -> A.Bool:
    return A.Bool(False)


def name(n: str) -> A.Name:
    return A.Name(n)


def op(o: str, left: A.Expr, right: A.Expr) -> A.BinOp:
    return A.BinOp(o, left, right)


def call(f: str, *args: A.Expr) -> A.Call:
    return A.Call(f, list(args))


def expr(e: A.Expr) -> A.ExprStmt:
    return A.ExprStmt(e)


def let(n: str, e: A.Expr) -> A.Let:
    return A.Let(n, e)


def fn(header: str, *body: A.Stmt, source: A.SourceFile | None = None) -> A.FnDecl:
    """`fn("f a:n b:b>n", ...)`: name, params and result from an ilo-style header."""
    head, ret = header.rsplit(">", 1)
    parts = head.split()
    params = [A.Param(p.split(":")[0], _TYPES[p.split(":")[1]]) for p in parts[1:]]
    return A.FnDecl(parts[0], params, _TYPES[ret], list(body), source=source)


def program(*fns: A.FnDecl) -> A.Program:
    return A.Program(list(fns))


def load_source(text: str, path: str | None = None) -> A.Program:
    """Parse, import-resolve and verify `text` with the project's front end."""
    from ilo_aot.frontend.imports import load_program
    from ilo_aot.frontend.verify import verify

    program, diags = load_program(A.SourceFile(path, text))
    diags = [d for d in diags if d.severity == "error"]
    diags += [d for d in verify(program) if d.severity == "error"]
    assert not diags, [d.to_json() for d in diags]
    return program
