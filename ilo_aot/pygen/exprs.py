"""Expressions -> Python expression text, for the fallback tier.

`ExprCompiler.ex(e)` returns a Python expression; when `e` needs statements (a match, an `f!`
early return) they are emitted first into the current block. Operands evaluated before such an
expression are saved to temporaries so that ilo's left-to-right order is kept.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..frontend import ast as A
from .analysis import ANY, BOOL, LIST, NUM, TEXT, FnAnalysis, Kinds, mangle, needs_statements

Line = tuple[int, str, "tuple[int, int, int] | None"]

_CMP_HELPERS = {"<": "_lt", ">": "_gt", "<=": "_le", ">=": "_ge"}
_ARITH_HELPERS = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div"}


@dataclass
class ModuleInfo:
    """What every function compiler needs to know about the whole program."""

    records: dict[str, list[str]]  # record type -> field names in declaration order
    fn_arity: dict[str, int]  # user function / lambda -> declared parameter count
    tools: set[str]
    file_index: dict[int, int] = field(default_factory=dict)  # id(SourceFile) -> index


def py_num(x: float) -> str:
    if math.isnan(x):
        return "_NAN"
    if math.isinf(x):
        return "_INF" if x > 0 else "(-_INF)"
    return repr(float(x))


def is_simple(code: str) -> bool:
    """Code whose value cannot change by running other code first (literals)."""
    return code.startswith(("'", '"', "_NAN", "_INF", "None", "True", "False")) or (
        code.replace(".", "", 1).replace("e", "", 1).replace("-", "").replace("+", "").isdigit()
    )


class ExprCompiler:
    """Compiles expressions of one function; statements live in `stmts.FnCompiler`."""

    def __init__(self, an: FnAnalysis, kinds: Kinds, info: ModuleInfo, file_idx: int) -> None:
        self.an = an
        self.kinds = kinds
        self.info = info
        self.file_idx = file_idx
        self.lines: list[Line] = []
        self.indent = 1
        self.span: tuple[int, int, int] | None = None
        self.tmp_counter = 0

    # ------------------------------------------------------------ emission helpers

    def emit(self, text: str) -> None:
        self.lines.append((self.indent, text, self.span))

    def tmp(self) -> str:
        self.tmp_counter += 1
        return f"_t{self.tmp_counter}"

    def kind(self, e: A.Expr) -> str:
        return self.kinds.kind(e)

    def truth(self, code: str, kind: str) -> str:
        """Python condition for ilo truthiness of `code`."""
        if kind in (BOOL, NUM, TEXT, LIST):
            return code  # Python's truthiness agrees with ilo's for these
        return f"_truthy({code})"

    def seq(self, exprs: list[A.Expr]) -> list[str]:
        """Compile operands in order, saving earlier ones when a later one emits statements."""
        out: list[str] = []
        for i, e in enumerate(exprs):
            code = self.ex(e)
            if not is_simple(code) and any(needs_statements(x) for x in exprs[i + 1 :]):
                t = self.tmp()
                self.emit(f"{t} = {code}")
                code = t
            out.append(code)
        return out

    # ------------------------------------------------------------ dispatch

    def ex(self, e: A.Expr) -> str:
        method = getattr(self, "ex_" + type(e).__name__)
        return method(e)

    def ex_Num(self, e: A.Num) -> str:
        return py_num(e.value)

    def ex_Text(self, e: A.Text) -> str:
        return repr(e.value)

    def ex_Bool(self, e: A.Bool) -> str:
        return "True" if e.value else "False"

    def ex_Nil(self, e: A.Nil) -> str:
        return "None"

    def ex_Name(self, e: A.Name) -> str:
        py = self.an.pynames.get(id(e))
        if py is not None:
            return py
        if e.resolved == "local" or (e.resolved is None and e.name == "_"):
            return f"_undefined_var({e.name!r})"
        if e.name in self.info.fn_arity or e.name in self.info.tools:
            return "FR_" + mangle(e.name)
        return f"_builtin_value({e.name!r})"

    def ex_ListLit(self, e: A.ListLit) -> str:
        return "[" + ", ".join(self.seq(e.items)) + "]"

    def ex_MakeOk(self, e: A.MakeOk) -> str:
        return f"_Ok({self.ex(e.value)})"

    def ex_MakeErr(self, e: A.MakeErr) -> str:
        return f"_Err({self.ex(e.value)})"

    def ex_Neg(self, e: A.Neg) -> str:
        code = self.ex(e.operand)
        if self.kind(e.operand) == NUM:
            return f"(-{code})"
        return f"_neg({code})"

    def ex_Not(self, e: A.Not) -> str:
        code = self.ex(e.operand)
        return f"(not {self.truth(code, self.kind(e.operand))})"

    def ex_BinOp(self, e: A.BinOp) -> str:
        op = "=" if e.op == "==" else e.op
        if op in ("&", "|"):
            return self.logic(e, op)
        left, right = self.seq([e.left, e.right])
        lk, rk = self.kind(e.left), self.kind(e.right)
        nums = lk == NUM and rk == NUM
        if op in _ARITH_HELPERS:
            if nums or (op == "+" and lk == rk and lk in (TEXT, LIST)):
                # `/` by zero raises ZeroDivisionError, reported as ILO-R003 by the runtime.
                return f"({left} {op} {right})"
            return f"{_ARITH_HELPERS[op]}({left}, {right})"
        if op in _CMP_HELPERS:
            if nums or (lk == TEXT and rk == TEXT):
                return f"({left} {op} {right})"
            return f"{_CMP_HELPERS[op]}({left}, {right})"
        if op in ("=", "!="):
            if nums:
                # `!=` is `not =`: with a NaN difference both `<` and `>=` are false.
                neg = "" if op == "=" else "not "
                return f"({neg}abs({left} - {right}) < 2.220446049250313e-16)"
            if lk == rk and lk in (TEXT, BOOL):
                return f"({left} {'==' if op == '=' else '!='} {right})"
            return f"{'_eq' if op == '=' else '_ne'}({left}, {right})"
        if op == "+=":
            if lk == LIST:
                return f"[*{left}, {right}]"
            return f"_append({left}, {right})"
        raise ValueError(f"unknown operator {op}")

    def logic(self, e: A.BinOp, op: str) -> str:
        """`&`/`|` short-circuit and return the deciding operand."""
        lk = self.kind(e.left)
        left = self.ex(e.left)
        t = self.tmp()
        if needs_statements(e.right):
            self.emit(f"{t} = {left}")
            test = self.truth(t, lk)
            self.emit(f"if {test}:" if op == "&" else f"if not ({test}):")
            self.indent += 1
            right = self.ex(e.right)
            self.emit(f"{t} = {right}")
            self.indent -= 1
            return t
        right = self.ex(e.right)
        test = self.truth(f"({t} := {left})", lk)
        if op == "&":
            return f"({right} if {test} else {t})"
        return f"({t} if {test} else {right})"

    def ex_Ternary(self, e: A.Ternary) -> str:
        cond = self.ex(e.cond)
        test = self.truth(cond, self.kind(e.cond))
        if e.negated:
            test = f"not ({test})"
        if needs_statements(e.then) or needs_statements(e.else_):
            t = self.tmp()
            self.emit(f"if {test}:")
            self.indent += 1
            self.emit(f"{t} = {self.ex(e.then)}")
            self.indent -= 1
            self.emit("else:")
            self.indent += 1
            self.emit(f"{t} = {self.ex(e.else_)}")
            self.indent -= 1
            return t
        return f"({self.ex(e.then)} if {test} else {self.ex(e.else_)})"

    def ex_Coalesce(self, e: A.Coalesce) -> str:
        left = self.ex(e.left)
        t = self.tmp()
        if needs_statements(e.right):
            self.emit(f"{t} = {left}")
            self.emit(f"if {t} is None:")
            self.indent += 1
            self.emit(f"{t} = {self.ex(e.right)}")
            self.indent -= 1
            return t
        return f"({t} if ({t} := {left}) is not None else {self.ex(e.right)})"

    def ex_Field(self, e: A.Field) -> str:
        obj = self.ex(e.obj)
        helper = "_safe_field" if e.safe else "_field"
        return f"{helper}({obj}, {e.name!r})"

    def ex_Index(self, e: A.Index) -> str:
        obj = self.ex(e.obj)
        helper = "_safe_index" if e.safe else "_index"
        return f"{helper}({obj}, {e.index})"

    def ex_RecordNew(self, e: A.RecordNew) -> str:
        values = dict(zip([n for n, _ in e.fields], self.seq([v for _, v in e.fields]), strict=True))
        order = self.info.records.get(e.type_name, [n for n, _ in e.fields])
        items = ", ".join(f"{n!r}: {values[n]}" for n in order if n in values)
        return f"_Record({e.type_name!r}, {{{items}}})"

    def ex_With(self, e: A.With) -> str:
        codes = self.seq([e.obj, *(v for _, v in e.updates)])
        items = ", ".join(
            f"{n!r}: {c}" for (n, _), c in zip(e.updates, codes[1:], strict=True)
        )
        return f"_with({codes[0]}, {{{items}}})"

    def ex_LambdaRef(self, e: A.LambdaRef) -> str:
        name = mangle(e.fn_name)
        if not e.captures:
            return "FR_" + name
        caps = [
            py if py else f"_undefined_var({c!r})"
            for c, py in zip(e.captures, self.an.bindings.get(id(e), []), strict=False)
        ]
        arity = self.info.fn_arity.get(e.fn_name, 0)
        return f"_Closure({e.fn_name!r}, f_{name}, ({', '.join(caps)},), {arity})"

    def ex_Call(self, e: A.Call) -> str:
        args = self.seq(e.args)
        joined = ", ".join(args)
        resolved = e.resolved
        if resolved is None:
            resolved = self.guess_resolution(e)
        if resolved == "builtin":
            code = f"B_{mangle(e.callee)}({joined})"
        elif resolved == "fn":
            code = f"f_{mangle(e.callee)}({joined})"
        elif resolved == "tool":
            code = f"FR_{mangle(e.callee)}({joined})"
        else:
            py = self.an.pynames.get(id(e))
            target = py if py is not None else f"_undefined_fn({e.callee!r})"
            code = f"_call_value({target}, {e.callee!r}{', ' if args else ''}{joined})"
        if e.unwrap == "!!":
            return f"_unwrap_panic({code})"
        if e.unwrap == "!":
            t = self.tmp()
            self.emit(f"{t} = {code}")
            self.emit(f"if type({t}) is _Ok:")
            self.emit(f"    {t} = {t}.value")
            self.emit(f"elif {t} is None or type({t}) is _Err:")
            self.emit(f"    return {t}")
            return t
        return code

    def guess_resolution(self, e: A.Call) -> str:
        if id(e) in self.an.pynames:
            return "local"
        if e.callee in self.info.fn_arity:
            return "fn"
        if e.callee in self.info.tools:
            return "tool"
        return "builtin"

    def ex_Match(self, e: A.Match) -> str:
        t = self.tmp()
        self.emit(f"{t} = None")
        self.match(e, t)
        return t

    def match(self, e: A.Match, target: str | None) -> None:
        """Emit an if/elif chain over the arms; implemented by the statement compiler."""
        raise NotImplementedError


__all__ = ["ANY", "ExprCompiler", "ModuleInfo", "py_num"]
