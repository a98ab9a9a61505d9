"""Verifier: expressions, operators, names and calls (language.md §3, §4, §6).

`check_expr` sets `ty` on every expression it visits (and `resolved` on names and calls) and
returns the type. An expression whose check failed gets `_`, so errors do not cascade.
"""

from __future__ import annotations

from .ast import (
    BinOp,
    Bool,
    Call,
    Coalesce,
    Expr,
    Field,
    Index,
    LambdaRef,
    ListLit,
    MakeErr,
    MakeOk,
    Match,
    Name,
    Neg,
    Nil,
    Not,
    Num,
    RecordNew,
    Ternary,
    Text,
    With,
)
from .builtin_names import BUILTIN_NAMES, VALUE_BUILTINS
from .builtin_sigs import check_builtin_call
from .compat import accepts_num, compatible, is_any
from .types import (
    ANY,
    BOOL,
    NIL,
    NUM,
    TEXT,
    TFn,
    TList,
    TNil,
    TNum,
    TOpt,
    TResult,
    TText,
    Type,
    render_type,
)
from .verify_ctx import FnContext, FnSig, did_you_mean
from .verify_match import check_match
from .verify_records import check_field, check_index, check_record_new, check_with

COMPARISONS = frozenset({">", "<", ">=", "<="})
ARITH = frozenset({"-", "*", "/"})
ARITH_SUGG = "parse text as number with 'num' first"
CONVERT_SUGG = {
    ("t", "n"): "use 'str' to convert number to text",
    ("n", "t"): "use 'num' to parse text as number (returns R n t)",
}


def check_expr(ctx: FnContext, e: Expr) -> Type:
    """Check `e`, record its static type in `e.ty` and return it."""
    t = _check(ctx, e)
    if t is None:
        t = ANY
    e.ty = t
    return t


def _check(ctx: FnContext, e: Expr) -> Type:
    if isinstance(e, Num):
        return NUM
    if isinstance(e, Text):
        return TEXT
    if isinstance(e, Bool):
        return BOOL
    if isinstance(e, Nil):
        return NIL
    if isinstance(e, Name):
        return check_name(ctx, e)
    if isinstance(e, Call):
        return check_call(ctx, e)
    if isinstance(e, BinOp):
        return check_binop(ctx, e)
    if isinstance(e, Neg):
        t = check_expr(ctx, e.operand)
        if not accepts_num(t):
            ctx.error("ILO-T012", f"negate expects n, got {render_type(t)}")
        return NUM
    if isinstance(e, Not):
        check_expr(ctx, e.operand)
        return BOOL
    if isinstance(e, MakeOk):
        return TResult(check_expr(ctx, e.value), ANY)
    if isinstance(e, MakeErr):
        return TResult(ANY, check_expr(ctx, e.value))
    if isinstance(e, ListLit):
        return check_list(ctx, e)
    if isinstance(e, Field):
        return check_field(ctx, e, check_expr(ctx, e.obj))
    if isinstance(e, Index):
        return check_index(ctx, e, check_expr(ctx, e.obj))
    if isinstance(e, RecordNew):
        return check_record_new(ctx, e, [check_expr(ctx, v) for _, v in e.fields])
    if isinstance(e, With):
        obj = check_expr(ctx, e.obj)
        return check_with(ctx, e, obj, [check_expr(ctx, v) for _, v in e.updates])
    if isinstance(e, Coalesce):
        left = check_expr(ctx, e.left)
        right = check_expr(ctx, e.right)
        if isinstance(left, TOpt):
            return left.inner
        if isinstance(left, TNil):
            return right
        return left
    if isinstance(e, Ternary):
        return check_ternary(ctx, e)
    if isinstance(e, LambdaRef):
        return check_lambda_ref(ctx, e)
    if isinstance(e, Match):
        return check_match(ctx, e)
    return ANY


# ------------------------------------------------------------------ names


def check_name(ctx: FnContext, e: Name) -> Type:
    """Plain name: local, then user function (an `F` value), then a value builtin; else T004."""
    local = ctx.lookup(e.name)
    if local is not None:
        e.resolved = "local"
        return local
    sig = ctx.table.functions.get(e.name)
    if sig is not None:
        e.resolved = "fn"
        return sig.fn_type()
    if e.name in VALUE_BUILTINS:
        e.resolved = "builtin"
        return ANY
    ctx.error("ILO-T004", f"undefined variable '{e.name}'", undefined_var_hint(ctx, e.name))
    return ANY


def undefined_var_hint(ctx: FnContext, name: str) -> str | None:
    """T004 suggestion: the kebab-case hint or the closest variable/function (§8.4)."""
    parts = name.split("-")
    if len(parts) >= 2 and all(
        ctx.lookup(p) is not None or p in ctx.table.functions or p in BUILTIN_NAMES
        for p in parts
    ):
        if len(parts) == 2:
            return (
                f"'{name}' is a single identifier (kebab-case); for subtraction write "
                f"'- {parts[0]} {parts[1]}'"
            )
        return (
            f"'{name}' is a single identifier (kebab-case); '-' inside an identifier never "
            "means subtraction"
        )
    return did_you_mean(name, ctx.visible_names() + ctx.user_function_names())


# ------------------------------------------------------------------ calls


def check_call(ctx: FnContext, call: Call) -> Type:
    """Resolve and check a call (language.md §6 Names); arguments are checked first."""
    types = [check_expr(ctx, a) for a in call.args]
    name = call.callee
    if name in BUILTIN_NAMES:
        call.resolved = "builtin"
        ret = check_builtin_call(ctx, call, types)
    elif name in ctx.table.functions:
        sig = ctx.table.functions[name]
        call.resolved = "tool" if sig.kind == "tool" else "fn"
        ret = check_user_call(ctx, sig, call, types)
    else:
        local = ctx.lookup(name)
        if isinstance(local, TFn):
            call.resolved = "local"
            ret = check_local_call(ctx, name, local, types)
        elif local is not None:
            call.resolved = "local"
            shown = render_type(local)
            if call.unwrap and not call.args:
                ctx.error(
                    "ILO-T034",
                    f"'{call.unwrap}' is the auto-unwrap operator and only applies to function "
                    f"calls — '{name}' is a {shown} value",
                    f"to inspect a Result value use match: `?{name}{{~v:v;^e:^e}}`; to "
                    f"auto-unwrap a producer use `{name} = producer! ...` and reference "
                    f"`{name}` afterwards",
                )
            else:
                ctx.error(
                    "ILO-T005",
                    f"'{name}' is a {shown}, not a function (called with {len(types)} args)",
                    f"'{name}' is bound as {shown} in this scope; only functions can be called",
                )
            return ANY
        else:
            candidates = ctx.visible_names() + ctx.user_function_names() + sorted(BUILTIN_NAMES)
            ctx.error(
                "ILO-T005",
                f"undefined function '{name}' (called with {len(types)} args)",
                did_you_mean(name, candidates),
            )
            return ANY
    if call.unwrap:
        return check_unwrap(ctx, call, ret)
    return ret


def check_user_call(ctx: FnContext, sig: FnSig, call: Call, types: list[Type]) -> Type:
    """T006/T007 for a call of a user function or tool."""
    if len(types) != len(sig.params):
        shown = " ".join(f"{p}:{render_type(t)}" for p, t in sig.params)
        ctx.error(
            "ILO-T006",
            f"arity mismatch: '{sig.name}' expects {len(sig.params)} args, got {len(types)}",
            f"'{sig.name}' expects: {shown}",
        )
        return sig.ret
    for (pname, ptype), t in zip(sig.params, types, strict=True):
        if not compatible(ptype, t):
            x, y = render_type(ptype), render_type(t)
            ctx.error(
                "ILO-T007",
                f"type mismatch: param '{pname}' of '{sig.name}' expects {x}, got {y}",
                CONVERT_SUGG.get((x, y)),
            )
    return sig.ret


def check_local_call(ctx: FnContext, name: str, fn: TFn, types: list[Type]) -> Type:
    """A call through a local of `F` type."""
    if len(types) != len(fn.params):
        ctx.error(
            "ILO-T006",
            f"arity mismatch: function parameter '{name}' expects {len(fn.params)} args, "
            f"got {len(types)}",
        )
        return fn.ret
    for i, (ptype, t) in enumerate(zip(fn.params, types, strict=True), 1):
        if not compatible(ptype, t):
            ctx.error(
                "ILO-T007",
                f"type mismatch: arg {i} of '{name}' expects {render_type(ptype)}, "
                f"got {render_type(t)}",
            )
    return fn.ret


def check_unwrap(ctx: FnContext, call: Call, ret: Type) -> Type:
    """`f! …` / `f!! …` (language.md §4.9): T025, T026; the unwrapped type."""
    op = call.unwrap
    if is_any(ret):
        return ANY
    if not isinstance(ret, (TResult, TOpt)):
        verb = "abort" if op == "!!" else "propagate"
        ctx.error(
            "ILO-T025",
            f"'{op}' used on call to '{call.callee}' which returns {render_type(ret)}, not a "
            "Result or Optional",
            f"'{op}' auto-unwraps R (Ok→v, Err→{verb}) or O (Some→v, Nil→{verb})",
        )
        return ANY
    if op == "!":
        encl = ctx.ret
        if isinstance(ret, TResult) and not isinstance(encl, TResult):
            ctx.error(
                "ILO-T026",
                f"'!' used in function '{ctx.fn_name}' which returns {render_type(encl)}, "
                "not a Result",
                "the enclosing function must return R to propagate errors",
            )
        elif isinstance(ret, TOpt) and not (isinstance(encl, (TOpt, TNil)) or is_any(encl)):
            ctx.error(
                "ILO-T026",
                f"'!' used in function '{ctx.fn_name}' which returns {render_type(encl)}, "
                "not an Optional",
                "the enclosing function must return O to propagate nil",
            )
    return ret.ok if isinstance(ret, TResult) else ret.inner


# ------------------------------------------------------------------ operators


def check_binop(ctx: FnContext, e: BinOp) -> Type:
    left = check_expr(ctx, e.left)
    right = check_expr(ctx, e.right)
    op = e.op
    lx, rx = render_type(left), render_type(right)
    if op == "+":
        return check_plus(ctx, left, right)
    if op in ARITH:
        if not (accepts_num(left) and accepts_num(right)):
            sugg = ARITH_SUGG if isinstance(left, TText) or isinstance(right, TText) else None
            ctx.error("ILO-T009", f"'{op}' expects n and n, got {lx} and {rx}", sugg)
        return NUM
    if op in COMPARISONS:
        ok = (
            is_any(left)
            or is_any(right)
            or isinstance(left, TNum) and isinstance(right, TNum)
            or isinstance(left, TText) and isinstance(right, TText)
        )
        if not ok:
            ctx.error("ILO-T010", f"comparison expects matching n or t, got {lx} and {rx}")
        return BOOL
    if op == "+=":
        if is_any(left):
            return ANY
        if not isinstance(left, TList):
            ctx.error("ILO-T011", f"'+=' expects a list on the left, got {lx}")
            return ANY
        if not compatible(left.elem, right):
            ctx.error(
                "ILO-T011",
                f"'+=' list element type {render_type(left.elem)} doesn't match appended {rx}",
            )
        return left
    return BOOL


def check_plus(ctx: FnContext, left: Type, right: Type) -> Type:
    """`+`: exactly n/n, t/t or list/list; `_` always passes (language.md §3)."""
    if is_any(left) or is_any(right):
        return ANY if is_any(left) else left
    for kind in (TNum, TText, TList):
        if isinstance(left, kind) and isinstance(right, kind):
            return left
    kinds = {type(left), type(right)}
    sugg = (
        "convert number to text with 'str' before concatenating"
        if kinds == {TNum, TText}
        else None
    )
    ctx.error(
        "ILO-T009",
        f"'+' expects matching n, t, or L types, got {render_type(left)} and "
        f"{render_type(right)}",
        sugg,
    )
    return ANY


# ------------------------------------------------------------------ other forms


def check_list(ctx: FnContext, e: ListLit) -> Type:
    """`L` of the first element's type; `L _` if a later element is incompatible."""
    types = [check_expr(ctx, item) for item in e.items]
    if not types:
        return TList(ANY)
    first = types[0]
    if any(not compatible(first, t) and not compatible(t, first) for t in types[1:]):
        return TList(ANY)
    return TList(first)


def check_ternary(ctx: FnContext, e: Ternary) -> Type:
    check_expr(ctx, e.cond)
    a = check_expr(ctx, e.then)
    b = check_expr(ctx, e.else_)
    if not compatible(a, b):
        ctx.error(
            "ILO-T003",
            f"ternary branches have different types: {render_type(a)} vs {render_type(b)}",
        )
        return ANY
    return b if is_any(a) else a


def check_lambda_ref(ctx: FnContext, e: LambdaRef) -> Type:
    """Record the captured variables' types for the lambda's own check; its value type."""
    sig = find_lambda(ctx, e.fn_name)
    if sig is None:
        return ANY
    seen: dict[str, Type] = {}
    for name in e.captures:
        t = ctx.lookup(name)
        if t is not None:
            seen[name] = t
    ctx.captures[id(sig.decl)] = seen
    if e.captures:
        return ANY
    return sig.fn_type()


def find_lambda(ctx: FnContext, name: str) -> FnSig | None:
    """The lifted lambda `name`, preferring the one from the current source file."""
    sigs = ctx.table.lambdas.get(name, [])
    for sig in sigs:
        if sig.decl.source is ctx.source or sig.decl.source == ctx.source:
            return sig
    return sigs[0] if sigs else None
