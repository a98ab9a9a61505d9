"""Lowering of verified ilo functions to the IR (`ilo_aot.ir.ir`), eligibility levels 1 and 2.

`lower_function` either returns an IR function or raises `Unsupported` with the span of the
first construct it cannot compile natively and a reason a person can act on. It types every
value itself, following the run-time semantics (language.md §4-§7), not the verifier's static
types, which do not bound run-time values (design.md §4): `&`/`|` return an operand, a block
rebinding an outer name may change its run-time type, a body may end without producing a
value (nil). Whatever it cannot prove to be a number or a bool is `Unsupported`.

Only `resolved` from the verifier is optional input: when absent, names are resolved with the
verifier's rules (builtin, then user function, then local).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ilo_aot.frontend import ast
from ilo_aot.frontend.builtin_names import BUILTIN_NAMES
from ilo_aot.frontend.types import render_type

from . import errors, ir
from .ir import BOOL, F64, I64, IrType
from .lower_builtins import BuiltinLowering
from .signatures import (
    NIL,
    NativeSignature,
    ProgramInfo,
    Unsupported,
    type_word,
)

__all__ = ["NativeSignature", "ProgramInfo", "Unsupported", "lower_function"]


@dataclass
class _MaybeUnbound:
    """A local created inside a `wh` body: unbound after the loop if it never ran."""

    reg: ir.Reg


@dataclass
class _NotNative:
    """A local whose value native code cannot hold."""

    reason: str


_Binding = ir.Reg | _MaybeUnbound | _NotNative
# Possible values a block has produced so far: IR types and/or NIL; None = unreachable.
_State = frozenset | None


def _merge(a: _State, b: _State) -> _State:
    if a is None:
        return b
    if b is None:
        return a
    return a | b


@dataclass
class _Loop:
    break_label: str
    continue_label: str
    break_states: list[frozenset] = field(default_factory=list)


def _has_statements(e: ast.Expr | None) -> bool:
    """Whether evaluating `e` can run statements (match arms), which may rebind locals."""
    if e is None:
        return False
    if isinstance(e, ast.Match):
        return True
    for child in vars(e).values():
        if isinstance(child, ast.Expr) and _has_statements(child):
            return True
        if isinstance(child, list):
            for c in child:
                if isinstance(c, ast.Expr) and _has_statements(c):
                    return True
    return False


class _Lowerer(BuiltinLowering):
    def __init__(self, decl: ast.FnDecl, info: ProgramInfo, module: ir.Module) -> None:
        self.decl = decl
        self.info = info
        self.module = module
        self.sig = info.signature(decl)
        self.next_reg = 0
        self.next_label = 0
        self.blocks: list[ir.Block] = []
        self.cur = self.new_block("entry")
        self.scopes: list[dict[str, _Binding]] = [{}]
        self.loops: list[_Loop] = []
        # Registers holding the value of the enclosing statement-level block (one per type).
        self.values: list[dict[IrType, ir.Reg]] = [{}]
        self.stmt_span: ast.Span = decl.span
        self.callees: set[str] = set()
        src = decl.source
        self.path = src.path if src else None
        self.text = src.text if src else None

    # ---------------------------------------------------------------- plumbing

    def reg(self, ty: IrType) -> ir.Reg:
        r = ir.Reg(self.next_reg, ty)
        self.next_reg += 1
        return r

    def new_block(self, hint: str) -> ir.Block:
        b = ir.Block(f"{hint}{self.next_label}")
        self.next_label += 1
        self.blocks.append(b)
        return b

    def emit(self, ins: ir.Instr) -> None:
        self.cur.instrs.append(ins)

    def terminate(self, t: ir.Terminator) -> None:
        """End the current block; code after it goes to a fresh, unreachable block."""
        self.cur.terminator = t
        self.cur = self.new_block("dead")

    def switch_to(self, block: ir.Block) -> None:
        self.cur = block

    def jump(self, target: ir.Block) -> None:
        self.cur.terminator = ir.Jump(target.label)

    def copy(self, v: ir.Reg) -> ir.Reg:
        r = self.reg(v.ty)
        self.emit(ir.Copy(r, v))
        return r

    def const(self, ty: IrType, value: float | bool | int) -> ir.Reg:
        r = self.reg(ty)
        self.emit(ir.Const(r, value))
        return r

    def site(self, kind: errors.ErrorKind) -> int:
        span = self.stmt_span
        return self.module.add_site(
            ir.FailSite(
                kind.code,
                kind.message,
                self.decl.name,
                (span.start, span.end),
                self.path,
                self.text,
            )
        )

    def value_reg(self, ty: IrType) -> ir.Reg:
        regs = self.values[-1]
        if ty not in regs:
            regs[ty] = self.reg(ty)
        return regs[ty]

    # ---------------------------------------------------------------- scopes

    def lookup(self, name: str) -> tuple[dict[str, _Binding], _Binding] | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope, scope[name]
        return None

    def read_local(self, name: str, span: ast.Span) -> ir.Reg:
        found = self.lookup(name)
        if found is None:
            raise Unsupported(f"name `{name}` is not a native local", span)
        b = found[1]
        if isinstance(b, _MaybeUnbound):
            raise Unsupported(f"`{name}` may be unbound here (created inside a `wh` loop)", span)
        if isinstance(b, _NotNative):
            raise Unsupported(b.reason, span)
        return b

    def assign(self, name: str, value: ir.Reg, span: ast.Span) -> None:
        found = self.lookup(name)
        if found is None:
            r = self.reg(value.ty)
            self.scopes[-1][name] = r
            self.emit(ir.Copy(r, value))
            return
        scope, b = found
        if isinstance(b, _NotNative):
            raise Unsupported(b.reason, span)
        r = b.reg if isinstance(b, _MaybeUnbound) else b
        if r.ty != value.ty:
            raise Unsupported(
                f"`{name}` holds a {type_word(r.ty)} and is rebound to a {type_word(value.ty)}",
                span,
            )
        scope[name] = r
        self.emit(ir.Copy(r, value))

    # ---------------------------------------------------------------- function

    def run(self) -> ir.Function:
        params = []
        for p, ty in zip(self.decl.params, self.sig.params, strict=True):
            r = self.reg(ty)
            params.append(r)
            # Repeated parameter names: the last one wins (language.md §2.1).
            self.scopes[0][p.name] = r
        state = self.block(self.decl.body, frozenset({NIL}))
        ret = self.sig.ret
        if state is not None:
            if state != frozenset({ret}):
                bad = sorted(type_word(t) for t in state if t != ret)
                raise Unsupported(
                    f"the result may be {' or '.join(bad)}, not a {type_word(ret)}",
                    self.decl.body[-1].span if self.decl.body else self.decl.span,
                )
            self.cur.terminator = ir.Return(self.value_reg(ret))
        else:
            # Unreachable end (every path returned): still terminate the block.
            v = self.const(ret, 0.0 if ret == F64 else False)
            self.cur.terminator = ir.Return(v)
        params_text = " ".join(f"{p.name}:{render_type(p.type)}" for p in self.decl.params)
        head = f"{self.decl.name} {params_text}" if params_text else self.decl.name
        return ir.Function(
            name=self.decl.name,
            params=params,
            ret=ret,
            blocks=self.blocks,
            signature=f"{head}>{render_type(self.decl.ret)}",
            param_names=[p.name for p in self.decl.params],
            num_regs=self.next_reg,
        )

    # ---------------------------------------------------------------- statements

    def block(self, stmts: list[ast.Stmt], state: _State) -> _State:
        """Lower `stmts`; `state` is what the block has produced before them."""
        for s in stmts:
            if state is None:
                # Unreachable statements (after ret/brk/cnt) are not compiled.
                break
            saved = self.stmt_span
            self.stmt_span = s.span
            state = self.stmt(s, state)
            self.stmt_span = saved
        return state

    def scoped_block(self, stmts: list[ast.Stmt], bindings: dict[str, _Binding] | None = None) -> _State:
        self.scopes.append(dict(bindings or {}))
        try:
            return self.block(stmts, frozenset({NIL}))
        finally:
            self.scopes.pop()

    def produce(self, value: ir.Reg) -> frozenset:
        self.emit(ir.Copy(self.value_reg(value.ty), value))
        return frozenset({value.ty})

    def stmt(self, s: ast.Stmt, state: frozenset) -> _State:
        if isinstance(s, ast.ExprStmt):
            if isinstance(s.expr, ast.Match):
                return self.match_stmt(s.expr, state)
            return self.produce(self.expr(s.expr))
        if isinstance(s, ast.Let):
            self.assign(s.name, self.expr(s.value), s.span)
            return state
        if isinstance(s, ast.Guard):
            return self.guard(s, state)
        if isinstance(s, ast.If):
            return self.if_stmt(s, state)
        if isinstance(s, ast.ForRange):
            return self.for_range(s)
        if isinstance(s, ast.While):
            return self.while_loop(s)
        if isinstance(s, ast.Ret):
            v = self.expr(s.value)
            self.check_result(v, s.value.span, "`ret`")
            self.terminate(ir.Return(v))
            return None
        if isinstance(s, ast.Brk):
            return self.brk(s)
        if isinstance(s, ast.Cnt):
            if not self.loops:
                raise Unsupported("`cnt` outside a loop", s.span)
            self.terminate(ir.Jump(self.loops[-1].continue_label))
            return None
        if isinstance(s, ast.ForEach):
            raise Unsupported("`@` over a list is not supported natively yet", s.span)
        if isinstance(s, ast.Destructure):
            raise Unsupported("destructuring a record is not supported natively", s.span)
        raise Unsupported(f"statement {type(s).__name__} is not supported natively", s.span)

    def check_result(self, v: ir.Reg, span: ast.Span, what: str) -> None:
        if v.ty != self.sig.ret:
            raise Unsupported(
                f"{what} returns a {type_word(v.ty)} from a function declared {render_type(self.decl.ret)}",
                span,
            )

    def guard(self, s: ast.Guard, state: frozenset) -> _State:
        ret_b, cont_b = self.new_block("guard"), self.new_block("cont")
        if s.negated:
            self.cond(s.cond, cont_b, ret_b)
        else:
            self.cond(s.cond, ret_b, cont_b)
        self.switch_to(ret_b)
        # The result operand is a statement of its own for error spans (diagnostics.md §3).
        saved, self.stmt_span = self.stmt_span, s.value.span
        v = self.expr(s.value)
        self.stmt_span = saved
        self.check_result(v, s.value.span, "the guard")
        self.cur.terminator = ir.Return(v)
        self.switch_to(cont_b)
        return state

    def if_stmt(self, s: ast.If, state: frozenset) -> _State:
        then_b, else_b, join_b = (
            self.new_block("then"),
            self.new_block("else"),
            self.new_block("join"),
        )
        if s.negated:
            self.cond(s.cond, else_b, then_b)
        else:
            self.cond(s.cond, then_b, else_b)
        self.switch_to(then_b)
        then_state = self.scoped_block(s.then)
        self.jump(join_b)
        self.switch_to(else_b)
        if s.else_ is None:
            else_state: _State = state  # condition failed: produces nothing
        else:
            else_state = self.scoped_block(s.else_)
        self.jump(join_b)
        self.switch_to(join_b)
        return _merge(then_state, else_state)

    def for_range(self, s: ast.ForRange) -> _State:
        start = self.expr(s.start)
        end = self.expr(s.end)
        for v, what in ((start, "start"), (end, "end")):
            if v.ty != F64:
                raise Unsupported(f"range {what} is a {type_word(v.ty)}, not a number", s.span)
        counter, limit = self.reg(I64), self.reg(I64)
        self.emit(ir.FToI(counter, start))
        self.emit(ir.FToI(limit, end))
        head, body, step, exit_b = (
            self.new_block("range"),
            self.new_block("body"),
            self.new_block("next"),
            self.new_block("done"),
        )
        self.jump(head)
        self.switch_to(head)
        more = self.reg(BOOL)
        self.emit(ir.ICompare(more, "lt", counter, limit))
        self.cur.terminator = ir.Branch(more, body.label, exit_b.label)
        self.switch_to(body)
        var = self.reg(F64)
        self.emit(ir.IToF(var, counter))
        loop = _Loop(exit_b.label, step.label)
        self.loops.append(loop)
        try:
            body_state = self.scoped_block(s.body, {s.var: var})
        finally:
            self.loops.pop()
        self.jump(step)
        self.switch_to(step)
        one = self.const(I64, 1)
        self.emit(ir.IBinary(counter, "add", counter, one))
        self.jump(head)
        self.switch_to(exit_b)
        return self.loop_state(body_state, loop)

    def loop_state(self, body_state: _State, loop: _Loop) -> frozenset:
        # A loop may run zero times (nil), else gives its last iteration's or `brk`'s value.
        state: frozenset = frozenset({NIL})
        for st in [body_state, *loop.break_states]:
            state = _merge(state, st) or state
        return state

    def while_loop(self, s: ast.While) -> _State:
        head, body, exit_b = self.new_block("while"), self.new_block("body"), self.new_block("done")
        self.jump(head)
        self.switch_to(head)
        self.cond(s.cond, body, exit_b)
        self.switch_to(body)
        loop = _Loop(exit_b.label, head.label)
        self.loops.append(loop)
        # The body is not a scope: names it creates live on in the enclosing block.
        scope = self.scopes[-1]
        before = set(scope)
        try:
            body_state = self.block(s.body, frozenset({NIL}))
        finally:
            self.loops.pop()
        self.jump(head)
        self.switch_to(exit_b)
        for name in set(scope) - before:
            b = scope[name]
            if isinstance(b, ir.Reg):
                scope[name] = _MaybeUnbound(b)
        return self.loop_state(body_state, loop)

    def brk(self, s: ast.Brk) -> _State:
        if not self.loops:
            raise Unsupported("`brk` outside a loop", s.span)
        loop = self.loops[-1]
        if s.value is None:
            loop.break_states.append(frozenset({NIL}))
        else:
            loop.break_states.append(self.produce(self.expr(s.value)))
        self.terminate(ir.Jump(loop.break_label))
        return None

    # ---------------------------------------------------------------- match

    def subject(self, m: ast.Match) -> ir.Reg | None:
        if m.subject is None:
            return None  # `?{...}` matches nil
        return self.expr(m.subject)

    def arm_test(self, subj: ir.Reg | None, pat: ast.Pattern) -> tuple[bool | ir.Reg, dict[str, _Binding]]:
        """(True/False when decided statically, else a BOOL register; bindings)."""
        kind = NIL if subj is None else subj.ty
        if isinstance(pat, ast.PWild):
            b: _Binding = self.copy(subj) if subj is not None else _NotNative("`_` is nil here")
            return True, {"_": b}
        if isinstance(pat, ast.PType):
            want = {"n": F64, "b": BOOL}.get(pat.kind)
            if want is None or kind != want:
                return False, {}
            assert subj is not None
            # A copy: rebinding the pattern variable must not change the subject's local.
            return True, {pat.name: self.copy(subj)}
        if isinstance(pat, (ast.POk, ast.PErr)):
            return False, {}
        if isinstance(pat, ast.PLit):
            v = pat.value
            if v is None:
                return kind == NIL, {}
            if isinstance(v, bool):
                if kind != BOOL:
                    return False, {}
                assert subj is not None
                c = self.const(BOOL, v)
                t = self.reg(BOOL)
                self.emit(ir.ICompare(t, "eq", subj, c))
                return t, {}
            if isinstance(v, float | int):
                if kind != F64:
                    return False, {}
                assert subj is not None
                return self.num_eq(subj, self.const(F64, float(v))), {}
            return False, {}  # text patterns never match numbers or bools
        raise Unsupported(f"pattern {type(pat).__name__} is not supported natively", pat.span)

    def match_arms(self, m: ast.Match, state: frozenset | None) -> _State:
        """Lower the arms; `state` is the value when no arm matches (None: cannot happen)."""
        subj = self.subject(m)
        join = self.new_block("mjoin")
        result: _State = None
        exhaustive = False
        bools_seen: set[bool] = set()
        for arm in m.arms:
            test, binds = self.arm_test(subj, arm.pattern)
            if test is False:
                continue
            pat = arm.pattern
            if isinstance(pat, ast.PLit) and isinstance(pat.value, bool) and subj is not None:
                # `true` and `false` arms together cover a bool subject (language.md §5.4)
                if (not pat.value) in bools_seen:
                    test = True
                bools_seen.add(pat.value)
            arm_b = self.new_block("arm")
            if test is True:
                self.jump(arm_b)
                nxt = None
            else:
                nxt = self.new_block("next")
                self.cur.terminator = ir.Branch(test, arm_b.label, nxt.label)
            self.switch_to(arm_b)
            result = _merge(result, self.scoped_block(arm.body, binds))
            self.jump(join)
            if nxt is None:
                exhaustive = True
                break
            self.switch_to(nxt)
        if not exhaustive:
            if state is None:
                raise Unsupported("no arm may match: the match gives nil", m.span)
            result = _merge(result, state)
            self.jump(join)
        self.switch_to(join)
        return result

    def match_stmt(self, m: ast.Match, state: frozenset) -> _State:
        return self.match_arms(m, state)

    def match_expr(self, m: ast.Match) -> ir.Reg:
        # Arms of a match *expression* produce into their own value registers.
        self.values.append({})
        try:
            st = self.match_arms(m, None)
            regs = self.values[-1]
        finally:
            self.values.pop()
        if st is None:
            raise Unsupported("every arm of this match leaves the function", m.span)
        if len(st) != 1 or NIL in st:
            words = " or ".join(sorted(type_word(t) for t in st))
            raise Unsupported(f"the match may give {words}", m.span)
        (ty,) = st
        out = self.reg(ty)
        self.emit(ir.Copy(out, regs[ty]))
        return out

    # ---------------------------------------------------------------- conditions

    def cond(self, e: ast.Expr, if_true: ir.Block, if_false: ir.Block) -> None:
        """Branch on the truthiness of `e` (short-circuit for `&`, `|`, `!`)."""
        if isinstance(e, ast.BinOp) and e.op in ("&", "|"):
            mid = self.new_block("and" if e.op == "&" else "or")
            if e.op == "&":
                self.cond(e.left, mid, if_false)
            else:
                self.cond(e.left, if_true, mid)
            self.switch_to(mid)
            self.cond(e.right, if_true, if_false)
            return
        if isinstance(e, ast.Not):
            self.cond(e.operand, if_false, if_true)
            return
        t = self.truthy(self.expr(e), e.span)
        self.cur.terminator = ir.Branch(t, if_true.label, if_false.label)

    def truthy(self, v: ir.Reg, span: ast.Span) -> ir.Reg:
        if v.ty == BOOL:
            return v
        if v.ty == F64:
            # Numbers are falsy only at +-0 (NaN is truthy): IEEE `ne` is true for NaN.
            zero = self.const(F64, 0.0)
            t = self.reg(BOOL)
            self.emit(ir.FCompare(t, "ne", v, zero))
            return t
        raise Unsupported(f"truthiness of a {type_word(v.ty)}", span)

    # ---------------------------------------------------------------- expressions

    def expr(self, e: ast.Expr) -> ir.Reg:
        if isinstance(e, ast.Num):
            return self.const(F64, float(e.value))
        if isinstance(e, ast.Bool):
            return self.const(BOOL, bool(e.value))
        if isinstance(e, ast.Name):
            return self.name(e)
        if isinstance(e, ast.BinOp):
            return self.binop(e)
        if isinstance(e, ast.Neg):
            v = self.expr(e.operand)
            if v.ty != F64:
                raise Unsupported(f"negating a {type_word(v.ty)}", e.span)
            r = self.reg(F64)
            self.emit(ir.FNeg(r, v))
            return r
        if isinstance(e, ast.Not):
            t = self.truthy(self.expr(e.operand), e.operand.span)
            r = self.reg(BOOL)
            self.emit(ir.BNot(r, t))
            return r
        if isinstance(e, ast.Call):
            return self.call(e)
        if isinstance(e, ast.Ternary):
            return self.ternary(e)
        if isinstance(e, ast.Match):
            return self.match_expr(e)
        raise Unsupported(self.describe(e) + " is not supported natively", e.span)

    @staticmethod
    def describe(e: ast.Expr) -> str:
        if isinstance(e, ast.Text):
            return "a text value"
        if isinstance(e, ast.Nil):
            return "`nil`"
        if isinstance(e, ast.ListLit):
            return "a list"
        if isinstance(e, (ast.MakeOk, ast.MakeErr)):
            return "a result value (`~`/`^`)"
        if isinstance(e, (ast.Field, ast.Index, ast.RecordNew, ast.With)):
            return "record/field access"
        if isinstance(e, ast.LambdaRef):
            return "a lambda"
        if isinstance(e, ast.Coalesce):
            return "`??`"
        return f"expression {type(e).__name__}"

    def name(self, e: ast.Name) -> ir.Reg:
        if e.resolved in (None, "local") and self.lookup(e.name) is not None:
            return self.read_local(e.name, e.span)
        if e.resolved == "local":
            return self.read_local(e.name, e.span)
        if e.name in self.info.functions or e.resolved == "fn":
            raise Unsupported(f"function value `{e.name}` is not supported natively", e.span)
        if e.name in BUILTIN_NAMES or e.resolved == "builtin":
            raise Unsupported(f"builtin value `{e.name}` is not supported natively", e.span)
        raise Unsupported(f"name `{e.name}` is not a native local", e.span)

    def operands(self, left: ast.Expr, right: ast.Expr) -> tuple[ir.Reg, ir.Reg]:
        a = self.expr(left)
        if _has_statements(right):
            # Match arms in `right` may rebind the local `a` reads: keep its current value.
            keep = self.reg(a.ty)
            self.emit(ir.Copy(keep, a))
            a = keep
        return a, self.expr(right)

    def binop(self, e: ast.BinOp) -> ir.Reg:
        op = e.op
        if op in ("&", "|"):
            return self.logic(e)
        if op == "+=":
            raise Unsupported("`+=` (list append) is not supported natively", e.span)
        a, b = self.operands(e.left, e.right)
        if op in ("=", "!="):
            if a.ty == F64 and b.ty == F64:
                eq = self.num_eq(a, b)
            elif a.ty == BOOL and b.ty == BOOL:
                eq = self.reg(BOOL)
                self.emit(ir.ICompare(eq, "eq", a, b))
            else:
                eq = self.const(BOOL, False)  # a number never equals a bool
            if op == "=":
                return eq
            ne = self.reg(BOOL)
            self.emit(ir.BNot(ne, eq))
            return ne
        if a.ty != F64 or b.ty != F64:
            raise Unsupported(
                f"`{op}` on a {type_word(a.ty)} and a {type_word(b.ty)} is not supported natively",
                e.span,
            )
        if op in ("<", ">", "<=", ">="):
            r = self.reg(BOOL)
            self.emit(ir.FCompare(r, {"<": "lt", ">": "gt", "<=": "le", ">=": "ge"}[op], a, b))
            return r
        if op == "/":
            self.check_nonzero(b, errors.DIVISION_BY_ZERO)
        names = {"+": "add", "-": "sub", "*": "mul", "/": "div"}
        if op not in names:
            raise Unsupported(f"operator `{op}` is not supported natively", e.span)
        r = self.reg(F64)
        self.emit(ir.FBinary(r, names[op], a, b))
        return r

    def check_nonzero(self, divisor: ir.Reg, kind: errors.ErrorKind) -> None:
        """Fail with `kind` when `divisor` is exactly +-0 (language.md §7)."""
        zero = self.const(F64, 0.0)
        is_zero = self.reg(BOOL)
        self.emit(ir.FCompare(is_zero, "eq", divisor, zero))
        fail_b, ok_b = self.new_block("zero"), self.new_block("nonzero")
        self.cur.terminator = ir.Branch(is_zero, fail_b.label, ok_b.label)
        fail_b.terminator = ir.Fail(self.site(kind))
        self.switch_to(ok_b)

    def num_eq(self, a: ir.Reg, b: ir.Reg) -> ir.Reg:
        """ilo `=` on numbers: |a - b| < EPSILON (so inf != inf and NaN != NaN)."""
        d = self.reg(F64)
        self.emit(ir.FBinary(d, "sub", a, b))
        ad = self.reg(F64)
        self.emit(ir.CallIntrinsic(ad, "fabs", (d,)))
        eps = self.const(F64, ir.EPSILON)
        r = self.reg(BOOL)
        self.emit(ir.FCompare(r, "lt", ad, eps))
        return r

    def logic(self, e: ast.BinOp) -> ir.Reg:
        """`&`/`|` as a value: the deciding operand (both must be of one native type)."""
        a = self.expr(e.left)
        out = self.reg(a.ty)
        self.emit(ir.Copy(out, a))
        t = self.truthy(a, e.left.span)
        rhs_b, join = self.new_block("rhs"), self.new_block("ljoin")
        if e.op == "&":
            self.cur.terminator = ir.Branch(t, rhs_b.label, join.label)
        else:
            self.cur.terminator = ir.Branch(t, join.label, rhs_b.label)
        self.switch_to(rhs_b)
        b = self.expr(e.right)
        if b.ty != a.ty:
            raise Unsupported(
                f"`{e.op}` returns an operand, here a {type_word(a.ty)} or a {type_word(b.ty)}",
                e.span,
            )
        self.emit(ir.Copy(out, b))
        self.jump(join)
        self.switch_to(join)
        return out

    def ternary(self, e: ast.Ternary) -> ir.Reg:
        then_b, else_b, join = (
            self.new_block("tthen"),
            self.new_block("telse"),
            self.new_block("tjoin"),
        )
        if e.negated:
            self.cond(e.cond, else_b, then_b)
        else:
            self.cond(e.cond, then_b, else_b)
        self.switch_to(then_b)
        a = self.expr(e.then)
        out = self.reg(a.ty)
        self.emit(ir.Copy(out, a))
        self.jump(join)
        self.switch_to(else_b)
        b = self.expr(e.else_)
        if b.ty != a.ty:
            raise Unsupported(f"the branches give a {type_word(a.ty)} and a {type_word(b.ty)}", e.span)
        self.emit(ir.Copy(out, b))
        self.jump(join)
        self.switch_to(join)
        return out

    # ---------------------------------------------------------------- calls

    def resolve_call(self, e: ast.Call) -> str:
        if e.resolved is not None:
            return e.resolved
        if e.callee in BUILTIN_NAMES:
            return "builtin"
        if e.callee in self.info.functions:
            return "fn"
        return "local"

    def call(self, e: ast.Call) -> ir.Reg:
        if e.unwrap:
            raise Unsupported(f"`{e.callee}{e.unwrap}` (unwrap) is not supported natively", e.span)
        kind = self.resolve_call(e)
        if kind == "builtin":
            return self.builtin(e)
        if kind != "fn":
            raise Unsupported(f"calling `{e.callee}` ({kind}) is not supported natively", e.span)
        decl = self.info.functions[e.callee]
        try:
            sig = self.info.signature(decl)
        except Unsupported as u:
            raise Unsupported(f"`{e.callee}` is not native: {u.reason}", e.span) from None
        if len(e.args) != len(sig.params):
            raise Unsupported(f"`{e.callee}` called with {len(e.args)} arguments", e.span)
        args = self.args(e.args)
        for i, (a, want) in enumerate(zip(args, sig.params, strict=True)):
            if a.ty != want:
                raise Unsupported(
                    f"argument {i + 1} of `{e.callee}` is a {type_word(a.ty)}, "
                    f"its parameter a {type_word(want)}",
                    e.args[i].span,
                )
        self.callees.add(e.callee)
        depth = self.site(errors.recursion_depth_exceeded(self.info.recursion_limit))
        r = self.reg(sig.ret)
        self.emit(ir.CallFunction(r, e.callee, tuple(args), depth))
        return r

    def args(self, exprs: list[ast.Expr]) -> list[ir.Reg]:
        out: list[ir.Reg] = []
        for i, a in enumerate(exprs):
            v = self.expr(a)
            if any(_has_statements(x) for x in exprs[i + 1 :]):
                keep = self.reg(v.ty)
                self.emit(ir.Copy(keep, v))
                v = keep
            out.append(v)
        return out


def lower_function(decl: ast.FnDecl, info: ProgramInfo, module: ir.Module) -> tuple[ir.Function, set[str]]:
    """Lower one function (adding its fail sites to `module`); returns it and the names of the
    user functions it calls. Raises `Unsupported` for anything not native."""
    low = _Lowerer(decl, info, module)
    fn = low.run()
    return fn, low.callees
