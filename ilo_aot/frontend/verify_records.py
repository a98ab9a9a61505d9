"""Verifier: records, fields, `with`, indexing and destructuring (language.md §4.2, §4.8;
T015-T023, T009 for destructuring).
"""

from __future__ import annotations

from .ast import Destructure, Field, Index, RecordNew, With
from .compat import compatible, is_any
from .types import ANY, TList, TNamed, TOpt, Type, render_type
from .verify_ctx import FnContext, did_you_mean


def record_of(ctx: FnContext, t: Type) -> tuple[str, list[tuple[str, Type]]] | None:
    """(name, resolved fields) if `t` is a declared record type."""
    if isinstance(t, TNamed):
        fields = ctx.table.env.record_fields(t.name)
        if fields is not None:
            return t.name, fields
    return None


def _lookup(fields: list[tuple[str, Type]], name: str) -> Type | None:
    found = None
    for f, t in fields:
        if f == name:
            found = t
    return found


def check_field(ctx: FnContext, e: Field, obj: Type) -> Type:
    """`o.f` / `o.?f`: T018 on a known non-record, T019 on an unknown field."""
    if is_any(obj):
        return ANY
    target = obj.inner if isinstance(obj, TOpt) else obj
    if is_any(target):
        return ANY
    rec = record_of(ctx, target)
    if rec is None:
        if isinstance(target, TNamed):
            return ANY  # an undefined type name, reported elsewhere
        ctx.error("ILO-T018", f"field access on non-record type {render_type(obj)}")
        return ANY
    name, fields = rec
    t = _lookup(fields, e.name)
    if t is None:
        ctx.error(
            "ILO-T019",
            f"no field '{e.name}' on type '{name}'",
            did_you_mean(e.name, [f for f, _ in fields]),
        )
        return ANY
    return t


def check_index(ctx: FnContext, e: Index, obj: Type) -> Type:
    """`o.K` / `o.?K`: the element type; T023 on a known non-list."""
    if is_any(obj):
        return ANY
    if isinstance(obj, TList):
        return obj.elem
    if isinstance(obj, TOpt) and isinstance(obj.inner, TList):
        return obj.inner.elem
    ctx.error("ILO-T023", f"index access on non-list type {render_type(obj)}")
    return ANY


def check_record_new(ctx: FnContext, e: RecordNew, values: list[Type]) -> Type:
    """`pt x:1 y:2`: T003 unknown type, T016 unknown field, T017 field type, T015 missing."""
    fields = ctx.table.env.record_fields(e.type_name)
    if fields is None:
        ctx.error(
            "ILO-T003",
            f"undefined type '{e.type_name}'",
            did_you_mean(e.type_name, list(ctx.table.env.records)),
        )
        return ANY
    names = [f for f, _ in fields]
    given: set[str] = set()
    for (fname, _), t in zip(e.fields, values, strict=True):
        given.add(fname)
        expected = _lookup(fields, fname)
        if expected is None:
            ctx.error(
                "ILO-T016",
                f"unknown field '{fname}' in record '{e.type_name}'",
                did_you_mean(fname, names),
            )
        elif not compatible(expected, t):
            ctx.error(
                "ILO-T017",
                f"field '{fname}' of '{e.type_name}' expects {render_type(expected)}, "
                f"got {render_type(t)}",
            )
    for fname in names:
        if fname not in given:
            given.add(fname)
            ctx.error("ILO-T015", f"missing field '{fname}' in record '{e.type_name}'")
    return TNamed(e.type_name)


def check_with(ctx: FnContext, e: With, obj: Type, values: list[Type]) -> Type:
    """`o with f:v`: T020 non-record, T021 unknown field, T022 field type."""
    if is_any(obj):
        return ANY
    rec = record_of(ctx, obj)
    if rec is None:
        if isinstance(obj, TNamed):
            return ANY
        ctx.error("ILO-T020", f"'with' on non-record type {render_type(obj)}")
        return ANY
    name, fields = rec
    for (fname, _), t in zip(e.updates, values, strict=True):
        expected = _lookup(fields, fname)
        if expected is None:
            ctx.error(
                "ILO-T021",
                f"unknown field '{fname}' in 'with' on '{name}'",
                did_you_mean(fname, [f for f, _ in fields]),
            )
        elif not compatible(expected, t):
            ctx.error(
                "ILO-T022",
                f"'with' field '{fname}' of '{name}' expects {render_type(expected)}, "
                f"got {render_type(t)}",
            )
    return obj


def check_destructure(ctx: FnContext, s: Destructure, value: Type) -> None:
    """`{a;b}=v`: binds each name to its field type; T009 non-record, T019 missing field."""
    rec = None if is_any(value) else record_of(ctx, value)
    if rec is None:
        if not is_any(value) and not isinstance(value, TNamed):
            ctx.error("ILO-T009", f"destructure requires a record type, got {render_type(value)}")
        for n in s.names:
            ctx.bind(n, ANY)
        return
    name, fields = rec
    for n in s.names:
        t = _lookup(fields, n)
        if t is None:
            ctx.error(
                "ILO-T019",
                f"no field '{n}' on type '{name}'",
                did_you_mean(n, [f for f, _ in fields]),
            )
            t = ANY
        ctx.bind(n, t)
