"""Capture computation for lifted lambdas (language.md §2.4).

Captures are the names read in a lambda body (not as a callee) that are not its parameters,
not bound earlier in its body, not `_`, and not in the parser arity table, in order of first
occurrence. Nested lambdas contribute the names they capture, since those are read when the
inner lambda expression is evaluated.
"""

from __future__ import annotations

from collections.abc import Callable

from . import ast as A


class _CaptureWalk:
    def __init__(self, params: list[str], in_table: Callable[[str], bool]) -> None:
        self.bound: set[str] = set(params)
        self.in_table = in_table
        self.captures: list[str] = []

    def read(self, name: str) -> None:
        if name == "_" or name in self.bound or name in self.captures or self.in_table(name):
            return
        self.captures.append(name)

    def stmts(self, body: list[A.Stmt]) -> None:
        for s in body:
            self.stmt(s)

    def stmt(self, s: A.Stmt) -> None:
        if isinstance(s, A.ExprStmt):
            self.expr(s.expr)
        elif isinstance(s, A.Let):
            self.expr(s.value)
            self.bound.add(s.name)
        elif isinstance(s, A.Destructure):
            self.expr(s.value)
            self.bound.update(s.names)
        elif isinstance(s, A.Guard):
            self.expr(s.cond)
            self.expr(s.value)
        elif isinstance(s, A.If):
            self.expr(s.cond)
            self.stmts(s.then)
            if s.else_ is not None:
                self.stmts(s.else_)
        elif isinstance(s, A.ForEach):
            self.expr(s.coll)
            self.bound.add(s.var)
            self.stmts(s.body)
        elif isinstance(s, A.ForRange):
            self.expr(s.start)
            self.expr(s.end)
            self.bound.add(s.var)
            self.stmts(s.body)
        elif isinstance(s, A.While):
            self.expr(s.cond)
            self.stmts(s.body)
        elif isinstance(s, (A.Ret, A.Brk)):
            if s.value is not None:
                self.expr(s.value)

    def pattern(self, p: A.Pattern) -> None:
        if isinstance(p, (A.POk, A.PErr, A.PType)):
            self.bound.add(p.name)
        elif isinstance(p, A.PWild):
            self.bound.add("_")

    def expr(self, e: A.Expr) -> None:
        if isinstance(e, A.Name):
            self.read(e.name)
        elif isinstance(e, A.LambdaRef):
            for name in e.captures:
                self.read(name)
        elif isinstance(e, A.Match):
            if e.subject is not None:
                self.expr(e.subject)
            for arm in e.arms:
                self.pattern(arm.pattern)
                self.stmts(arm.body)
        else:
            for child in A.child_exprs(e):
                self.expr(child)


def compute_captures(params: list[str], body: list[A.Stmt], in_table: Callable[[str], bool]) -> list[str]:
    """Captured names of a lambda with these parameters and body, in first-read order."""
    walk = _CaptureWalk(params, in_table)
    walk.stmts(body)
    return walk.captures
