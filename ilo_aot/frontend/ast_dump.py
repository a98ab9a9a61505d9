"""`ilo --ast`: the syntax tree as pretty-printed JSON (language.md §9.2; shape is free)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from . import ast as A
from .types import Type, render_type

# Fields that are bookkeeping, not syntax.
_SKIPPED = frozenset({"source", "ty", "resolved"})


def _node_to_obj(value: Any) -> Any:
    if isinstance(value, Type):
        return render_type(value)
    if isinstance(value, A.Span):
        return [value.start, value.end]
    if isinstance(value, A.Node):
        obj: dict[str, Any] = {"kind": type(value).__name__}
        for f in dataclasses.fields(value):
            if f.name in _SKIPPED:
                continue
            obj[f.name] = _node_to_obj(getattr(value, f.name))
        return obj
    if isinstance(value, (list, tuple)):
        return [_node_to_obj(v) for v in value]
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    return value


def ast_to_obj(program: A.Program) -> dict[str, Any]:
    """The program as plain JSON-ready data: `{"declarations": [...]}`."""
    return {"declarations": [_node_to_obj(d) for d in program.decls]}


def ast_to_json(program: A.Program) -> str:
    """Pretty-printed JSON of the program's declarations (for `ilo --ast`)."""
    return json.dumps(ast_to_obj(program), indent=2, ensure_ascii=False)


def _fields(pairs: list[tuple[str, A.Expr]]) -> str:
    return " ".join(f"{k}:{to_sexpr(v)}" for k, v in pairs)


def _num(x: float) -> str:
    return str(int(x)) if x == x and x not in (float("inf"), float("-inf")) and x == int(x) else repr(x)


def _block(stmts: list[A.Stmt] | None) -> str:
    return "[" + " ".join(to_sexpr(s) for s in stmts or []) + "]"


def to_sexpr(node: object) -> str:
    """A compact one-line rendering of a node, for tests and debugging:
    `(+ (len xs) 1)`, `(let v (?: (> x 0) 1 2))`, `(guard (> x 0) 1)`…"""
    n = node
    if isinstance(n, list):
        return _block(n)
    if isinstance(n, A.Num):
        return _num(n.value)
    if isinstance(n, A.Text):
        return json.dumps(n.value, ensure_ascii=False)
    if isinstance(n, A.Bool):
        return "true" if n.value else "false"
    if isinstance(n, A.Nil):
        return "nil"
    if isinstance(n, A.Name):
        return n.name
    if isinstance(n, A.Call):
        return "(" + " ".join([n.callee + (n.unwrap or ""), *(to_sexpr(a) for a in n.args)]) + ")"
    if isinstance(n, A.BinOp):
        return f"({n.op} {to_sexpr(n.left)} {to_sexpr(n.right)})"
    simple = {A.Neg: "neg", A.Not: "not"}
    for cls, word in simple.items():
        if isinstance(n, cls):
            return f"({word} {to_sexpr(n.operand)})"  # type: ignore[attr-defined]
    if isinstance(n, A.MakeOk):
        return f"(ok {to_sexpr(n.value)})"
    if isinstance(n, A.MakeErr):
        return f"(err {to_sexpr(n.value)})"
    if isinstance(n, A.ListLit):
        return "(list" + "".join(" " + to_sexpr(x) for x in n.items) + ")"
    if isinstance(n, A.Field):
        return f"(.{'?' if n.safe else ''}{n.name} {to_sexpr(n.obj)})"
    if isinstance(n, A.Index):
        return f"(.{'?' if n.safe else ''}{n.index} {to_sexpr(n.obj)})"
    if isinstance(n, A.RecordNew):
        return f"(new {n.type_name} {_fields(n.fields)})"
    if isinstance(n, A.With):
        return f"(with {to_sexpr(n.obj)} {_fields(n.updates)})"
    if isinstance(n, A.Coalesce):
        return f"(?? {to_sexpr(n.left)} {to_sexpr(n.right)})"
    if isinstance(n, A.Ternary):
        return f"(?: {to_sexpr(n.cond)} {to_sexpr(n.then)} {to_sexpr(n.else_)})"
    if isinstance(n, A.LambdaRef):
        return f"(fn {n.fn_name}" + "".join(" " + c for c in n.captures) + ")"
    if isinstance(n, A.Match):
        arms = " ".join(f"{to_sexpr(a.pattern)}:{_block(a.body)}" for a in n.arms)
        return f"(match {to_sexpr(n.subject) if n.subject is not None else '-'} {arms})"
    if isinstance(n, A.PLit):
        v = n.value
        if v is None or isinstance(v, bool):
            return "nil" if v is None else ("true" if v else "false")
        return _num(v) if isinstance(v, float) else json.dumps(v, ensure_ascii=False)
    if isinstance(n, A.POk):
        return "~" + n.name
    if isinstance(n, A.PErr):
        return "^" + n.name
    if isinstance(n, A.PType):
        return f"{n.kind} {n.name}"
    if isinstance(n, A.PWild):
        return "_"
    return _stmt_sexpr(n)


def _stmt_sexpr(n: object) -> str:
    if isinstance(n, A.ExprStmt):
        return to_sexpr(n.expr)
    if isinstance(n, A.Let):
        return f"(let {n.name} {to_sexpr(n.value)})"
    if isinstance(n, A.Destructure):
        return f"(destructure {' '.join(n.names)} {to_sexpr(n.value)})"
    if isinstance(n, A.Guard):
        return f"(guard{'!' if n.negated else ''} {to_sexpr(n.cond)} {to_sexpr(n.value)})"
    if isinstance(n, A.If):
        tail = f" {_block(n.else_)}" if n.else_ is not None else ""
        return f"(if{'!' if n.negated else ''} {to_sexpr(n.cond)} {_block(n.then)}{tail})"
    if isinstance(n, A.ForEach):
        return f"(each {n.var} {to_sexpr(n.coll)} {_block(n.body)})"
    if isinstance(n, A.ForRange):
        return f"(range {n.var} {to_sexpr(n.start)} {to_sexpr(n.end)} {_block(n.body)})"
    if isinstance(n, A.While):
        return f"(wh {to_sexpr(n.cond)} {_block(n.body)})"
    if isinstance(n, A.Ret):
        return f"(ret {to_sexpr(n.value)})"
    if isinstance(n, A.Brk):
        return "(brk)" if n.value is None else f"(brk {to_sexpr(n.value)})"
    if isinstance(n, A.Cnt):
        return "(cnt)"
    if isinstance(n, A.FnDecl):
        params = " ".join(f"{p.name}:{render_type(p.type)}" for p in n.params)
        caps = f" captures={','.join(n.captures)}" if n.is_lambda else ""
        return f"{n.name} {params}>{render_type(n.ret)} {_block(n.body)}{caps}".replace("  ", " ")
    if isinstance(n, A.TypeDecl):
        return f"type {n.name} " + " ".join(f"{p.name}:{render_type(p.type)}" for p in n.fields)
    if isinstance(n, A.AliasDecl):
        return f"alias {n.name} {render_type(n.type)}"
    if isinstance(n, A.ToolDecl):
        return f"tool {n.name} {json.dumps(n.description)}"
    if isinstance(n, A.UseDecl):
        return f"use {json.dumps(n.path)}" + (f" {n.names}" if n.names is not None else "")
    return repr(n)
