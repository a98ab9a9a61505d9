"""Verifier: function bodies, statements, scopes and body types (language.md §5, §6).

Reports T008 (body type), T014 (loop headers), T027, T028, the warnings T029/T032/T033, and
keeps the current statement span on the context so every diagnostic points at the innermost
checked statement (diagnostics.md §3).
"""

from __future__ import annotations

from .ast import (
    BinOp,
    Brk,
    Call,
    Cnt,
    Destructure,
    ExprStmt,
    FnDecl,
    ForEach,
    ForRange,
    Guard,
    If,
    Let,
    Match,
    Name,
    Ret,
    Span,
    Stmt,
    While,
)
from .compat import accepts_list, accepts_num, compatible, is_any
from .types import ANY, NIL, NUM, TList, TOpt, Type, render_type
from .verify_ctx import DeclTable, FnContext, FnSig, Sink
from .verify_expr import check_expr
from .verify_match import check_match
from .verify_records import check_destructure

RET_SUGG = {
    ("t", "n"): "use 'str' to convert: str <expr>",
    ("n", "t"): "use 'num' to parse text (returns R n t)",
}
DISCARD_SUGG = {
    "+=": "`+=xs v` returns a new list — rebind with `{V}=+={V} v` to mutate, or use the result",
    "mset": "`mset m k v` returns a new map — rebind with `{V}=mset {V} k v` to mutate, or use "
    "the result",
    "mdel": "`mdel m k` returns a new map — rebind with `{V}=mdel {V} k` to mutate, or use the "
    "result",
}


def check_function(
    table: DeclTable, sink: Sink, sig: FnSig, captures: dict[int, dict[str, Type]], default_src
) -> None:
    """Phase 2 for one function or lifted lambda: its body and its result type (T008)."""
    decl = sig.decl
    assert isinstance(decl, FnDecl)
    ctx = FnContext(
        table=table,
        sink=sink,
        fn_name=decl.name,
        ret=sig.ret,
        source=decl.source if decl.source is not None else default_src,
        captures=captures,
    )
    for name, t in sig.params:
        ctx.bind(name, t)
    if decl.is_lambda:
        known = captures.get(id(decl), {})
        for name in decl.captures:
            if name in known:
                ctx.bind(name, known[name])
    body_type = check_block(ctx, decl.body)
    if not decl.body or is_any(sig.ret) or compatible(sig.ret, body_type):
        return
    x, y = render_type(sig.ret), render_type(body_type)
    ctx.error(
        "ILO-T008",
        f"return type mismatch: expected {x}, got {y}",
        RET_SUGG.get((x, y)),
        span=decl.body[-1].span,
    )


def check_block(ctx: FnContext, stmts: list[Stmt], tail_used: bool = False) -> Type:
    """Check a statement list; returns its static type (language.md §5.6). `tail_used`: the
    last statement's value is used by the enclosing expression (a match operand's arm)."""
    block_type: Type = NIL
    unreachable_from: int | None = None
    for i, s in enumerate(stmts):
        is_last = i == len(stmts) - 1
        if not (is_last and tail_used):
            discard_warnings(ctx, s, is_last)
        t = check_stmt(ctx, s)
        if unreachable_from is None:
            block_type = t
            if isinstance(s, (Ret, Brk)) and not is_last:
                unreachable_from = i + 1
                word = "ret" if isinstance(s, Ret) else "brk"
                ctx.warning(
                    "ILO-T029",
                    f"unreachable code after '{word}'",
                    span=Span(stmts[i + 1].span.start, stmts[-1].span.end),
                )
    return block_type


def discard_warnings(ctx: FnContext, s: Stmt, is_last: bool) -> None:
    """T032 (bare `fmt`/`fmt2` not last) and T033 (bare `+=`/`mset`/`mdel`)."""
    if not isinstance(s, ExprStmt):
        return
    e = s.expr
    if isinstance(e, Call) and e.callee in ("fmt", "fmt2") and not is_last:
        ctx.warning(
            "ILO-T032",
            f"bare '{e.callee}' result is discarded",
            "did you mean `prnt fmt ...` to print, or `name = fmt ...` to capture?",
            span=s.span,
        )
        return
    if isinstance(e, BinOp) and e.op == "+=":
        op, first, default = "+=", e.left, "xs"
    elif isinstance(e, Call) and e.callee in ("mset", "mdel") and not e.unwrap:
        op, first, default = e.callee, e.args[0] if e.args else None, "m"
    else:
        return
    if is_last and ctx.loop_depth == 0:
        return
    var = first.name if isinstance(first, Name) else default
    ctx.warning(
        "ILO-T033",
        f"bare '{op}' result is discarded",
        DISCARD_SUGG[op].replace("{V}", var),
        span=s.span,
    )


def check_stmt(ctx: FnContext, s: Stmt) -> Type:
    """Check one statement with its span as the current one; returns its static type."""
    saved = ctx.span
    ctx.span = s.span
    try:
        return _check_stmt(ctx, s)
    finally:
        ctx.span = saved


def _check_stmt(ctx: FnContext, s: Stmt) -> Type:
    if isinstance(s, ExprStmt):
        if isinstance(s.expr, Match):
            s.expr.ty = check_match(ctx, s.expr, value_used=False)
            return s.expr.ty
        return check_expr(ctx, s.expr)
    if isinstance(s, Let):
        ctx.bind(s.name, check_expr(ctx, s.value))
        return NIL
    if isinstance(s, Destructure):
        check_destructure(ctx, s, check_expr(ctx, s.value))
        return NIL
    if isinstance(s, Guard):
        check_expr(ctx, s.cond)
        ctx.span = s.value.span
        t = check_expr(ctx, s.value)
        if isinstance(s.value, Name) and s.value.resolved == "fn":
            n = s.value.name
            ctx.error(
                "ILO-T027",
                f"braceless guard body '{n}' is a function name — did you mean to call it?",
                f"use braces for function calls: cond{{{n} args}}",
            )
        return t
    if isinstance(s, If):
        check_expr(ctx, s.cond)
        t = check_scoped(ctx, s.then)
        if s.else_ is not None:
            check_scoped(ctx, s.else_)
        return t
    if isinstance(s, ForEach):
        coll = check_expr(ctx, s.coll)
        if not accepts_list(coll):
            ctx.error("ILO-T014", f"foreach expects a list, got {render_type(coll)}")
        return check_loop(ctx, s.body, s.var, element_type(coll))
    if isinstance(s, ForRange):
        for label, bound in (("start", s.start), ("end", s.end)):
            t = check_expr(ctx, bound)
            if not accepts_num(t):
                ctx.error("ILO-T014", f"range {label} must be n, got {render_type(t)}")
        return check_loop(ctx, s.body, s.var, NUM)
    if isinstance(s, While):
        check_expr(ctx, s.cond)
        ctx.loop_depth += 1
        try:
            return check_block(ctx, s.body)
        finally:
            ctx.loop_depth -= 1
    if isinstance(s, Ret):
        return check_expr(ctx, s.value)
    if isinstance(s, Brk):
        if ctx.loop_depth == 0:
            ctx.error("ILO-T028", "brk can only be used inside a loop (@/wh)")
        return check_expr(ctx, s.value) if s.value is not None else NIL
    if isinstance(s, Cnt):
        if ctx.loop_depth == 0:
            ctx.error("ILO-T028", "cnt can only be used inside a loop (@/wh)")
        return NIL
    return ANY


def element_type(coll: Type) -> Type:
    if isinstance(coll, TOpt):
        coll = coll.inner
    return coll.elem if isinstance(coll, TList) else ANY


def check_scoped(ctx: FnContext, stmts: list[Stmt]) -> Type:
    """A block that opens a scope (conditional and ternary blocks)."""
    ctx.push()
    try:
        return check_block(ctx, stmts)
    finally:
        ctx.pop()


def check_loop(ctx: FnContext, body: list[Stmt], var: str, var_type: Type) -> Type:
    """An `@` loop body: a scope of its own holding the loop variable."""
    ctx.push()
    ctx.bind(var, var_type)
    ctx.loop_depth += 1
    try:
        return check_block(ctx, body)
    finally:
        ctx.loop_depth -= 1
        ctx.pop()
