"""Verifier: match expressions, pattern bindings and exhaustiveness (language.md §5.4, T024)."""

from __future__ import annotations

from .ast import Arm, Match, Pattern, PErr, PLit, POk, PType, PWild
from .compat import is_any
from .types import ANY, BOOL, NUM, TEXT, TBool, TList, TNil, TResult, TSum, Type, render_type
from .verify_ctx import FnContext

TYPE_TEST = {"n": NUM, "t": TEXT, "b": BOOL}


def check_match(ctx: FnContext, m: Match, value_used: bool = True) -> Type:
    """Check subject and arms; the type is that of the first arm with a known type.

    With `value_used` (the match is an operand, not a statement) each arm's last statement
    is the match's value, so it is never a discarded result (T032/T033)."""
    from .verify_body import check_block
    from .verify_expr import check_expr

    subject = check_expr(ctx, m.subject) if m.subject is not None else TNil()
    result: Type | None = None
    for arm in m.arms:
        ctx.push()
        bind_pattern(ctx, arm.pattern, subject)
        t = check_block(ctx, arm.body, tail_used=value_used)
        ctx.pop()
        if result is None and not is_any(t):
            result = t
    check_exhaustive(ctx, subject, m.arms)
    return result if result is not None else ANY


def bind_pattern(ctx: FnContext, p: Pattern, subject: Type) -> None:
    """Bind the names a pattern introduces, typed from the subject where it tells."""
    if isinstance(p, POk):
        ctx.bind(p.name, subject.ok if isinstance(subject, TResult) else ANY)
    elif isinstance(p, PErr):
        ctx.bind(p.name, subject.err if isinstance(subject, TResult) else ANY)
    elif isinstance(p, PType):
        if p.kind == "l":
            ctx.bind(p.name, subject if isinstance(subject, TList) else TList(ANY))
        else:
            ctx.bind(p.name, TYPE_TEST.get(p.kind, ANY))
    elif isinstance(p, PWild):
        ctx.bind("_", subject)


def check_exhaustive(ctx: FnContext, subject: Type, arms: list[Arm]) -> None:
    """T024 unless a `_` or type-test arm exists; `_`/nil subjects are unchecked."""
    if is_any(subject) or isinstance(subject, TNil):
        return
    patterns = [a.pattern for a in arms]
    if any(isinstance(p, (PWild, PType)) for p in patterns):
        return
    if isinstance(subject, TResult):
        missing = []
        if not any(isinstance(p, POk) for p in patterns):
            missing.append(("~", f"~v: <expr>  (v is of type {render_type(subject.ok)})"))
        if not any(isinstance(p, PErr) for p in patterns):
            missing.append(("^", f"^e: <expr>  (e is of type {render_type(subject.err)})"))
        _report(ctx, "Result", missing)
    elif isinstance(subject, TBool):
        values = [p.value for p in patterns if isinstance(p, PLit) and isinstance(p.value, bool)]
        missing = [
            (word, f"{word}: <expr>")
            for value, word in ((True, "true"), (False, "false"))
            if not any(v is value for v in values)
        ]
        _report(ctx, "Bool", missing)
    elif isinstance(subject, TSum):
        texts = {p.value for p in patterns if isinstance(p, PLit) and isinstance(p.value, str)}
        missing = [(v, f'"{v}": <expr>') for v in subject.variants if v not in texts]
        _report(ctx, "sum type", missing)
    else:
        ctx.error(
            "ILO-T024",
            "non-exhaustive match: no wildcard arm",
            "add a wildcard arm: _: <default-expr>",
        )


def _report(ctx: FnContext, what: str, missing: list[tuple[str, str]]) -> None:
    if not missing:
        return
    ctx.error(
        "ILO-T024",
        f"non-exhaustive match on {what}: missing " + ", ".join(m for m, _ in missing),
        "add: " + " or ".join(s for _, s in missing),
    )
