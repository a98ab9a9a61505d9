"""Shared state of the verifier: the declaration table, the diagnostic sink and the per-function
checking context (scopes, loop depth, current statement span).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ilo_runtime.diagnostics import Diagnostic

from .ast import FnDecl, SourceFile, Span, ToolDecl
from .compat import TypeEnv
from .types import ANY, TFn, Type


@dataclass
class FnSig:
    """A user function, lambda or tool with resolved parameter and result types."""

    name: str
    params: list[tuple[str, Type]]
    ret: Type
    kind: str  # "fn", "tool" or "lambda"
    decl: FnDecl | ToolDecl

    def fn_type(self) -> TFn:
        return TFn(tuple(t for _, t in self.params), self.ret)


@dataclass
class DeclTable:
    """Phase-1 result: types, user functions and tools, lifted lambdas."""

    env: TypeEnv
    # User functions and tools by name (the last declaration of a name wins).
    functions: dict[str, FnSig] = field(default_factory=dict)
    # Lifted lambdas by name; a name can repeat across files (T002).
    lambdas: dict[str, list[FnSig]] = field(default_factory=dict)


@dataclass
class Sink:
    """Collected diagnostics; warnings are printed before errors (diagnostics.md §8.1)."""

    warnings: list[Diagnostic] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)

    def all(self) -> list[Diagnostic]:
        return self.warnings + self.errors


def make_diag(
    code: str,
    message: str,
    *,
    note: str,
    source: SourceFile | None,
    span: Span | None,
    suggestion: str | None = None,
    severity: str = "error",
) -> Diagnostic:
    """A verifier diagnostic: empty label over `span` (None: no label), note `in function`."""
    return Diagnostic(
        message=message,
        code=code,
        severity=severity,
        start=span.start if span is not None else None,
        end=span.end if span is not None else None,
        label="",
        notes=[f"in function '{note}'"],
        suggestion=suggestion,
        source=source.text if source is not None else None,
        path=source.path if source is not None else None,
    )


@dataclass
class FnContext:
    """Checking state for one function or lambda body."""

    table: DeclTable
    sink: Sink
    fn_name: str
    ret: Type
    source: SourceFile | None
    # Capture types recorded at each LambdaRef: id(lambda decl) -> name -> type.
    captures: dict[int, dict[str, Type]]
    scopes: list[dict[str, Type]] = field(default_factory=lambda: [{}])
    loop_depth: int = 0
    span: Span | None = None

    # ------------------------------------------------------------ diagnostics

    def error(
        self, code: str, message: str, suggestion: str | None = None, span: Span | None = None
    ) -> None:
        """Report an error over `span` (default: the innermost checked statement)."""
        self._report(self.sink.errors, "error", code, message, suggestion, span)

    def warning(
        self, code: str, message: str, suggestion: str | None = None, span: Span | None = None
    ) -> None:
        self._report(self.sink.warnings, "warning", code, message, suggestion, span)

    def _report(
        self,
        into: list,
        severity: str,
        code: str,
        message: str,
        suggestion: str | None,
        span: Span | None,
    ) -> None:
        into.append(
            make_diag(
                code,
                message,
                note=self.fn_name,
                source=self.source,
                span=span if span is not None else self.span,
                suggestion=suggestion,
                severity=severity,
            )
        )

    # ------------------------------------------------------------ scopes

    def lookup(self, name: str) -> Type | None:
        """The recorded type of local `name` (innermost scope first), None if unbound."""
        for scope in reversed(self.scopes):
            if name in scope:
                t = scope[name]
                return t if t is not None else ANY
        return None

    def bind(self, name: str, t: Type) -> None:
        """Record `name`'s type in the innermost scope (language.md §6 Scopes)."""
        self.scopes[-1][name] = t

    def push(self) -> None:
        self.scopes.append({})

    def pop(self) -> None:
        if len(self.scopes) > 1:
            self.scopes.pop()

    def visible_names(self) -> list[str]:
        """Locals in scope, outermost first, each once (closest-name candidates)."""
        seen: dict[str, None] = {}
        for scope in self.scopes:
            for name in scope:
                seen.setdefault(name, None)
        return list(seen)

    def user_function_names(self) -> list[str]:
        return list(self.table.functions)


def levenshtein(a: str, b: str) -> int:
    """Edit distance counted in code points."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def closest(name: str, candidates: list[str]) -> str | None:
    """The candidate nearest to `name` within distance 3; the earliest wins a tie."""
    best: str | None = None
    best_d = 4
    for cand in candidates:
        if cand == name:
            continue
        d = levenshtein(name, cand)
        if d < best_d:
            best, best_d = cand, d
    return best


def did_you_mean(name: str, candidates: list[str]) -> str | None:
    c = closest(name, candidates)
    return f"did you mean '{c}'?" if c is not None else None
