"""Static type helpers of the verifier: alias expansion and compatibility (language.md §3).

`TypeEnv` knows the program's aliases and record types and turns declared types into the
verifier's working form: aliases expanded, type variables turned into `_` (`ANY`), so every
later comparison is a plain structural one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ast import AliasDecl, Program, TypeDecl
from .types import (
    ANY,
    NUM,
    TEXT,
    TAny,
    TBool,
    TFn,
    TList,
    TMap,
    TNamed,
    TNil,
    TNum,
    TOpt,
    TResult,
    TSum,
    TText,
    Type,
    is_type_var,
)

BUILTIN_TYPE_NAMES = frozenset({"n", "t", "b"})


@dataclass
class TypeEnv:
    """Aliases (name -> declared type, unexpanded) and record types (name -> fields)."""

    aliases: dict[str, Type] = field(default_factory=dict)
    records: dict[str, list[tuple[str, Type]]] = field(default_factory=dict)
    # Aliases on a cycle (T030); they expand to `_`.
    cyclic: set[str] = field(default_factory=set)

    @classmethod
    def from_program(cls, program: Program) -> TypeEnv:
        """The aliases and records of `program` (first declaration wins, `n t b` skipped)."""
        env = cls()
        for decl in program.decls:
            if isinstance(decl, AliasDecl) and decl.name not in BUILTIN_TYPE_NAMES:
                env.aliases.setdefault(decl.name, decl.type)
        for decl in program.decls:
            if isinstance(decl, TypeDecl) and decl.name not in env.records:
                env.records[decl.name] = [(p.name, p.type) for p in decl.fields]
        env.cyclic = find_alias_cycles(env.aliases)
        return env

    def resolve(self, t: Type) -> Type:
        """Expand aliases and turn type variables into `_`, recursively."""
        return self._resolve(t, frozenset())

    def _resolve(self, t: Type, seen: frozenset[str]) -> Type:
        if isinstance(t, TNamed):
            if is_type_var(t):
                return ANY
            if t.name in self.aliases:
                if t.name in seen or t.name in self.cyclic:
                    return ANY
                return self._resolve(self.aliases[t.name], seen | {t.name})
            return t
        if isinstance(t, TList):
            return TList(self._resolve(t.elem, seen))
        if isinstance(t, TOpt):
            return TOpt(self._resolve(t.inner, seen))
        if isinstance(t, TMap):
            return TMap(self._resolve(t.key, seen), self._resolve(t.value, seen))
        if isinstance(t, TResult):
            return TResult(self._resolve(t.ok, seen), self._resolve(t.err, seen))
        if isinstance(t, TFn):
            return TFn(tuple(self._resolve(p, seen) for p in t.params), self._resolve(t.ret, seen))
        return t

    def is_known_name(self, name: str) -> bool:
        """A type name that needs no T003: record, alias, builtin or type variable."""
        return (
            name in self.records
            or name in self.aliases
            or name in BUILTIN_TYPE_NAMES
            or is_type_var(TNamed(name))
        )

    def record_fields(self, name: str) -> list[tuple[str, Type]] | None:
        """Resolved fields of record `name`, or None if no such record."""
        fields = self.records.get(name)
        if fields is None:
            return None
        return [(f, self.resolve(t)) for f, t in fields]


def alias_refs(t: Type) -> list[str]:
    """Every type name mentioned anywhere inside `t`."""
    if isinstance(t, TNamed):
        return [t.name]
    if isinstance(t, TList):
        return alias_refs(t.elem)
    if isinstance(t, TOpt):
        return alias_refs(t.inner)
    if isinstance(t, TMap):
        return alias_refs(t.key) + alias_refs(t.value)
    if isinstance(t, TResult):
        return alias_refs(t.ok) + alias_refs(t.err)
    if isinstance(t, TFn):
        names = []
        for p in (*t.params, t.ret):
            names += alias_refs(p)
        return names
    return []


def find_alias_cycles(aliases: dict[str, Type]) -> set[str]:
    """Names of aliases that lie on a reference cycle (language.md §2.2, T030)."""
    on_cycle: set[str] = set()
    for start in aliases:
        # Depth-first search for a path from `start` back to itself.
        stack = [r for r in alias_refs(aliases[start]) if r in aliases]
        visited: set[str] = set()
        while stack:
            name = stack.pop()
            if name == start:
                on_cycle.add(start)
                break
            if name in visited:
                continue
            visited.add(name)
            stack.extend(r for r in alias_refs(aliases[name]) if r in aliases)
    return on_cycle


def is_any(t: Type | None) -> bool:
    """`_`, a type variable or a missing type: unchecked."""
    return t is None or isinstance(t, TAny) or is_type_var(t)


def compatible(a: Type, b: Type) -> bool:
    """Type compatibility for arguments, returns and fields (language.md §3)."""
    if is_any(a) or is_any(b):
        return True
    if isinstance(a, TNil) and isinstance(b, (TNil, TOpt)):
        return True
    if isinstance(b, TNil) and isinstance(a, TOpt):
        return True
    if isinstance(a, TOpt) and isinstance(b, TOpt):
        return compatible(a.inner, b.inner)
    if isinstance(a, TOpt):
        return compatible(a.inner, b)
    if isinstance(b, TOpt):
        return compatible(a, b.inner)
    if isinstance(a, TSum) and isinstance(b, TSum):
        return a.variants == b.variants
    if isinstance(a, TSum) and isinstance(b, TText) or isinstance(a, TText) and isinstance(b, TSum):
        return True
    if isinstance(a, TList) and isinstance(b, TList):
        return compatible(a.elem, b.elem)
    if isinstance(a, TMap) and isinstance(b, TMap):
        return compatible(a.key, b.key) and compatible(a.value, b.value)
    if isinstance(a, TResult) and isinstance(b, TResult):
        return compatible(a.ok, b.ok) and compatible(a.err, b.err)
    if isinstance(a, TFn) and isinstance(b, TFn):
        return (
            len(a.params) == len(b.params)
            and all(compatible(x, y) for x, y in zip(a.params, b.params, strict=True))
            and compatible(a.ret, b.ret)
        )
    if isinstance(a, TNamed) and isinstance(b, TNamed):
        return a.name == b.name
    # Primitive kinds (n, t, b, nil): equal kinds only.
    return type(a) is type(b)


def is_num(t: Type) -> bool:
    return isinstance(t, TNum)


def is_text(t: Type) -> bool:
    return isinstance(t, TText)


def is_bool(t: Type) -> bool:
    return isinstance(t, TBool)


def accepts_num(t: Type) -> bool:
    """Compatible with `n` (the rule for `- * /`, negation and numeric builtin arguments)."""
    return compatible(t, NUM)


def accepts_text(t: Type) -> bool:
    """Compatible with `t`."""
    return compatible(t, TEXT)


def accepts_list(t: Type) -> bool:
    """Compatible with `L _`."""
    return compatible(t, TList(ANY))


def accepts_map(t: Type) -> bool:
    """Compatible with `M _ _`."""
    return compatible(t, TMap(ANY, ANY))


def list_elem(t: Type) -> Type:
    """Element type of a list type, `_` otherwise."""
    return t.elem if isinstance(t, TList) else ANY
