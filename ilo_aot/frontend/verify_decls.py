"""Verifier phase 1: aliases, records, functions and tools (language.md §6, diagnostics.md §8.1).

Reports T031, T001, T030, T002 and T003 (undefined type names in signatures and field types)
in the order diagnostics.md §8.1 gives, and builds the `DeclTable` phase 2 checks against.
"""

from __future__ import annotations

from .ast import AliasDecl, FnDecl, Program, SourceFile, ToolDecl, TypeDecl
from .compat import BUILTIN_TYPE_NAMES, TypeEnv, find_alias_cycles
from .types import TList, TNamed, TResult, Type
from .verify_ctx import DeclTable, FnSig, Sink, did_you_mean, make_diag

GLOBAL = "<global>"


def undefined_type_names(t: Type, env: TypeEnv) -> list[str]:
    """Undefined names in `t`, looking at the top level and inside `L` and `R` only."""
    if isinstance(t, TNamed):
        return [] if env.is_known_name(t.name) else [t.name]
    if isinstance(t, TList):
        return undefined_type_names(t.elem, env)
    if isinstance(t, TResult):
        return undefined_type_names(t.ok, env) + undefined_type_names(t.err, env)
    return []


def collect_decls(program: Program, sink: Sink) -> DeclTable:
    """Run phase 1 over `program`, reporting into `sink`; returns the declaration table."""
    default_src = program.source
    env = TypeEnv()

    def src(decl) -> SourceFile | None:
        return decl.source if decl.source is not None else default_src

    def err(code: str, msg: str, decl, note: str = GLOBAL, labeled: bool = False, sugg=None):
        sink.errors.append(
            make_diag(
                code,
                msg,
                note=note,
                source=src(decl),
                span=decl.span if labeled else None,
                suggestion=sugg,
            )
        )

    aliases = [d for d in program.decls if isinstance(d, AliasDecl)]
    for decl in aliases:
        if decl.name in BUILTIN_TYPE_NAMES:
            err(
                "ILO-T031",
                f"type alias '{decl.name}' shadows a builtin type",
                decl,
                labeled=True,
                sugg="choose a different name for the alias",
            )
        elif decl.name in env.aliases:
            err("ILO-T001", f"duplicate type alias '{decl.name}'", decl, labeled=True)
        else:
            env.aliases[decl.name] = decl.type

    env.cyclic = find_alias_cycles(env.aliases)
    for decl in aliases:
        if decl.name in env.cyclic and env.aliases.get(decl.name) is decl.type:
            err(
                "ILO-T030",
                f"circular type alias '{decl.name}'",
                decl,
                sugg="type aliases cannot reference each other in a cycle",
            )

    records = [d for d in program.decls if isinstance(d, TypeDecl)]
    for decl in records:
        if decl.name in env.aliases:
            err("ILO-T001", f"type '{decl.name}' conflicts with type alias of the same name", decl)
        elif decl.name in env.records:
            err("ILO-T001", f"duplicate type definition '{decl.name}'", decl)
        else:
            env.records[decl.name] = [(p.name, p.type) for p in decl.fields]

    table = DeclTable(env=env)
    record_names = list(env.records)
    for decl in program.decls:
        if not isinstance(decl, (FnDecl, ToolDecl)):
            continue
        kind = "tool" if isinstance(decl, ToolDecl) else "lambda" if decl.is_lambda else "fn"
        sig = FnSig(
            name=decl.name,
            params=[(p.name, env.resolve(p.type)) for p in decl.params],
            ret=env.resolve(decl.ret),
            kind=kind,
            decl=decl,
        )
        if kind == "lambda":
            same = table.lambdas.setdefault(decl.name, [])
            if same:
                err("ILO-T002", f"duplicate function definition '{decl.name}'", decl)
            same.append(sig)
        else:
            prev = table.functions.get(decl.name)
            if prev is not None:
                if (prev.kind == "tool") != (kind == "tool"):
                    msg = f"duplicate definition '{decl.name}' (tool conflicts with function)"
                else:
                    msg = f"duplicate function definition '{decl.name}'"
                err("ILO-T002", msg, decl)
            table.functions[decl.name] = sig
        for t in [p.type for p in decl.params] + [decl.ret]:
            for name in undefined_type_names(t, env):
                err(
                    "ILO-T003",
                    f"undefined type '{name}'",
                    decl,
                    note=decl.name,
                    sugg=did_you_mean(name, record_names),
                )

    for decl in records:
        if env.records.get(decl.name) is None:
            continue
        for p in decl.fields:
            for name in undefined_type_names(p.type, env):
                err(
                    "ILO-T003",
                    f"undefined type '{name}'",
                    decl,
                    note=decl.name,
                    sugg=did_you_mean(name, record_names),
                )
    return table
