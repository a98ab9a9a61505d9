"""Statements and function bodies -> Python statements, for the fallback tier.

A block is compiled for a *target*: None (value unused), a Python variable that receives the
block's value (language.md §5.6: the value of the last statement that produced one, nil if
none), or RETURN (the value is returned from the function).
"""

from __future__ import annotations

from ..frontend import ast as A
from .analysis import BOOL, NUM, last_producer, may_produce
from .exprs import ExprCompiler, py_num

RETURN = "<return>"

_TYPE_TESTS = {"n": "float", "t": "str", "b": "bool", "l": "list"}


class FnCompiler(ExprCompiler):
    """Compiles one function body (one parameter assumption) to indented Python lines."""

    loops: list[str | None]
    # Function name whose loop iterations are counted for the tiered JIT (None: not counted).
    loop_hook: str | None = None

    def block(self, stmts: list[A.Stmt], target: str | None) -> None:
        start = len(self.lines)
        self.compile_block(stmts, target)
        if len(self.lines) == start:
            self.emit("pass")

    def compile_block(self, stmts: list[A.Stmt], target: str | None) -> None:
        if not hasattr(self, "loops"):
            self.loops = []
        if target is None:
            for s in stmts:
                self.stmt(s, None)
            return
        k = last_producer(stmts)
        if target == RETURN and (k != len(stmts) - 1 or k < 0):
            var = self.tmp()
            self.compile_block(stmts, var)
            self.emit(f"return {var}")
            return
        if k < 0:
            self.span = None
            self.emit(f"{target} = None")
        for i, s in enumerate(stmts):
            if i < k:
                self.stmt(s, None)
            elif i == k:
                self.stmt(s, target)
            else:
                self.stmt(s, target if may_produce(s) else None)

    def assign(self, target: str | None, code: str) -> None:
        if target is None:
            self.emit(code)
        elif target == RETURN:
            self.emit(f"return {code}")
        else:
            self.emit(f"{target} = {code}")

    def stmt(self, s: A.Stmt, target: str | None) -> None:
        self.span = (self.file_idx, s.span.start, s.span.end)
        method = getattr(self, "st_" + type(s).__name__)
        method(s, target)

    # ------------------------------------------------------------ simple statements

    def st_ExprStmt(self, s: A.ExprStmt, target: str | None) -> None:
        if isinstance(s.expr, A.Match):
            self.match(s.expr, target)
            return
        self.assign(target, self.ex(s.expr))

    def st_Let(self, s: A.Let, target: str | None) -> None:
        code = self.ex(s.value)
        self.emit(f"{self.an.pynames[id(s)]} = {code}")

    def st_Destructure(self, s: A.Destructure, target: str | None) -> None:
        code = self.ex(s.value)
        pys = self.an.bindings[id(s)]
        self.emit(f"{', '.join(pys)}, = _destructure({code}, {tuple(s.names)!r})")

    def st_Guard(self, s: A.Guard, target: str | None) -> None:
        test = self.truth(self.ex(s.cond), self.kind(s.cond))
        self.emit(f"if not ({test}):" if s.negated else f"if {test}:")
        self.indent += 1
        self.span = (self.file_idx, s.value.span.start, s.value.span.end)
        self.emit(f"return {self.ex(s.value)}")
        self.indent -= 1

    def st_If(self, s: A.If, target: str | None) -> None:
        test = self.truth(self.ex(s.cond), self.kind(s.cond))
        self.emit(f"if not ({test}):" if s.negated else f"if {test}:")
        self.indent += 1
        self.block(s.then, target)
        self.indent -= 1
        if s.else_ is not None:
            self.span = (self.file_idx, s.span.start, s.span.end)
            self.emit("else:")
            self.indent += 1
            self.block(s.else_, target)
            self.indent -= 1

    def st_Ret(self, s: A.Ret, target: str | None) -> None:
        self.emit(f"return {self.ex(s.value)}")

    def st_Brk(self, s: A.Brk, target: str | None) -> None:
        loop_target = self.loops[-1] if self.loops else None
        if s.value is not None:
            self.assign(loop_target, self.ex(s.value))
        elif loop_target is not None:
            self.emit(f"{loop_target} = None")
        self.emit("break")

    def st_Cnt(self, s: A.Cnt, target: str | None) -> None:
        self.emit("continue")

    # ------------------------------------------------------------ loops

    def loop_body(self, body: list[A.Stmt], loop_target: str | None) -> None:
        """Compile a loop body; its value counts only for iterations that ran to the end."""
        self.indent += 1
        if self.loop_hook is not None:
            span, self.span = self.span, None
            self.emit("_lc += 1")
            self.emit("if _lc == _HOT_LOOP:")
            self.emit(f"    _jit_loop_hot({self.loop_hook!r})")
            self.span = span
        self.loops.append(loop_target)
        if loop_target is not None and _has_own_cnt(body):
            body_target = self.tmp()
            self.block(body, body_target)
            self.span = None
            self.emit(f"{loop_target} = {body_target}")
        else:
            self.block(body, loop_target)
        self.loops.pop()
        self.indent -= 1

    def loop_target(self, target: str | None) -> str | None:
        if target is None:
            return None
        var = self.tmp() if target == RETURN else target
        self.emit(f"{var} = None")
        return var

    def loop_end(self, target: str | None, var: str | None) -> None:
        if target == RETURN:
            self.span = None
            self.emit(f"return {var}")

    def st_ForRange(self, s: A.ForRange, target: str | None) -> None:
        lo, hi = self.seq([s.start, s.end])
        var = self.loop_target(target)
        py = self.an.bindings[id(s)][0]
        self.emit(
            f"for {py} in map(float, range(_range_bound({lo}, 'start'), _range_bound({hi}, 'end'))):"
        )
        self.loop_body(s.body, var)
        self.loop_end(target, var)

    def st_ForEach(self, s: A.ForEach, target: str | None) -> None:
        coll = self.ex(s.coll)
        var = self.loop_target(target)
        py = self.an.bindings[id(s)][0]
        coll_code = coll if self.kind(s.coll) == "list" else f"_foreach_list({coll})"
        self.emit(f"for {py} in {coll_code}:")
        self.loop_body(s.body, var)
        self.loop_end(target, var)

    def st_While(self, s: A.While, target: str | None) -> None:
        var = self.loop_target(target)
        mark = len(self.lines)
        self.indent += 1
        test = self.truth(self.ex(s.cond), self.kind(s.cond))
        prelude = self.lines[mark:]
        del self.lines[mark:]
        self.indent -= 1
        if prelude:
            self.emit("while True:")
            self.lines.extend(prelude)
            self.indent += 1
            self.emit(f"if not ({test}):")
            self.emit("    break")
            self.indent -= 1
        else:
            self.emit(f"while {test}:")
        self.loop_body(s.body, var)
        self.loop_end(target, var)

    # ------------------------------------------------------------ match

    def match(self, e: A.Match, target: str | None) -> None:
        span = self.span
        self.match_arms(e, target)
        # Arms set the span of their own statements; what follows belongs to the enclosing one.
        self.span = span

    def match_arms(self, e: A.Match, target: str | None) -> None:
        if e.subject is None:
            subj = "None"
        else:
            code = self.ex(e.subject)
            subj = self.tmp()
            self.emit(f"{subj} = {code}")
        first = True
        if target == RETURN:
            # A statement match may produce nothing; the caller never asks for RETURN here.
            var = self.tmp()
            self.emit(f"{var} = None")
            self.match(e, var)
            self.emit(f"return {var}")
            return
        for arm in e.arms:
            test, bind = self.pattern(arm.pattern, subj)
            self.emit(("if " if first else "elif ") + test + ":")
            first = False
            self.indent += 1
            if bind:
                self.emit(bind)
            self.block(arm.body, target)
            self.indent -= 1

    def pattern(self, p: A.Pattern, subj: str) -> tuple[str, str]:
        pys = self.an.bindings.get(id(p))
        py = pys[0] if pys else None
        if isinstance(p, A.PLit):
            v = p.value
            if v is None:
                return f"{subj} is None", ""
            if v is True or v is False:
                return f"{subj} is {v}", ""
            if isinstance(v, str):
                return f"(type({subj}) is str and {subj} == {v!r})", ""
            return f"(type({subj}) is float and abs({subj} - {py_num(v)}) < 2.220446049250313e-16)", ""
        if isinstance(p, A.POk):
            return f"type({subj}) is _Ok", (f"{py} = {subj}.value" if py else "")
        if isinstance(p, A.PErr):
            return f"type({subj}) is _Err", (f"{py} = {subj}.value" if py else "")
        if isinstance(p, A.PType):
            return f"type({subj}) is {_TYPE_TESTS[p.kind]}", (f"{py} = {subj}" if py else "")
        return "True", (f"{py} = {subj}" if py else "")


def _has_own_cnt(stmts: list[A.Stmt]) -> bool:
    """Does this loop body contain a `cnt` that continues this loop (not a nested one)?"""
    for s in stmts:
        if isinstance(s, A.Cnt):
            return True
        if isinstance(s, A.If):
            if _has_own_cnt(s.then) or (s.else_ is not None and _has_own_cnt(s.else_)):
                return True
        if isinstance(s, A.ExprStmt) and isinstance(s.expr, A.Match):
            if any(_has_own_cnt(arm.body) for arm in s.expr.arms):
                return True
    return False


__all__ = ["BOOL", "NUM", "RETURN", "FnCompiler"]
