"""`use` resolution (language.md §2.3, diagnostics.md §7).

`load_program` parses a source, then replaces every `use` with the declarations of the file it
names (all of them, or the listed names), recursively and relative to the importing file.
Import errors come before the importing file's parse errors, after the cross-language warning.
"""

from __future__ import annotations

import os

from ilo_runtime.diagnostics import Diagnostic

from . import ast as A
from .lint import cross_language_warning
from .parser import parse_source


def _import_error(code: str, message: str, use: A.UseDecl, label: str = "imported here") -> Diagnostic:
    # Import diagnostics carry no source text: their labels have no line/col.
    return Diagnostic(message=message, code=code, start=use.span.start, end=use.span.end, label=label)


def _with_path(diag: Diagnostic, src: A.SourceFile) -> Diagnostic:
    """The file holding the `use` (shown by the Python API; JSON output is unaffected)."""
    diag.path = src.path
    return diag


def _lambda_refs(node: object, out: set[str]) -> None:
    """Names of the lifted lambdas a declaration refers to."""
    if isinstance(node, A.LambdaRef):
        out.add(node.fn_name)
    if isinstance(node, A.Node):
        for value in vars(node).values():
            if isinstance(value, (A.Node, list, tuple)):
                _lambda_refs(value, out)
    elif isinstance(node, (list, tuple)):
        for item in node:
            _lambda_refs(item, out)


def _select(decls: list[A.Decl], names: list[str]) -> tuple[list[A.Decl], list[str]]:
    """The declarations named in a `use … [names]` list (plus the lambdas they use), and the
    names that matched nothing."""
    chosen: list[A.Decl] = []
    missing: list[str] = []
    for name in names:
        found = [d for d in decls if getattr(d, "name", None) == name and not _is_lambda(d)]
        if not found:
            missing.append(name)
    wanted = set(names)
    for d in decls:
        if not _is_lambda(d) and getattr(d, "name", None) in wanted:
            chosen.append(d)
    # Lambdas used by the chosen declarations (and by lambdas they use) come along.
    by_name = {d.name: d for d in decls if isinstance(d, A.FnDecl) and d.is_lambda}
    needed: set[str] = set()
    _lambda_refs(chosen, needed)
    frontier = list(needed)
    while frontier:
        lam = by_name.get(frontier.pop())
        if lam is None:
            continue
        more: set[str] = set()
        _lambda_refs(lam.body, more)
        for m in more - needed:
            needed.add(m)
            frontier.append(m)
    chosen += [d for d in decls if isinstance(d, A.FnDecl) and d.is_lambda and d.name in needed]
    return chosen, missing


def _is_lambda(d: A.Decl) -> bool:
    return isinstance(d, A.FnDecl) and d.is_lambda


class _Resolver:
    def __init__(self) -> None:
        self.diags: list[Diagnostic] = []

    def resolve(self, program: A.Program, src: A.SourceFile, chain: list[str]) -> list[A.Decl]:
        """The program's declarations with every `use` replaced by what it imports."""
        out: list[A.Decl] = []
        for decl in program.decls:
            if not isinstance(decl, A.UseDecl):
                out.append(decl)
                continue
            out += self.resolve_use(decl, src, chain)
        return out

    def report(self, code: str, message: str, use: A.UseDecl, src: A.SourceFile, label: str) -> None:
        self.diags.append(_with_path(_import_error(code, message, use, label), src))

    def resolve_use(self, use: A.UseDecl, src: A.SourceFile, chain: list[str]) -> list[A.Decl]:
        if src.path is None:
            message = "`use` requires a file path context — not supported in inline code"
            self.report("ILO-P017", message, use, src, "here")
            return []
        target = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(src.path)), use.path))
        if target in chain:
            self.report("ILO-P018", f'use "{use.path}": circular import', use, src, "imported here")
            return []
        try:
            with open(target, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError, ValueError):
            self.report("ILO-P017", f'use "{use.path}": file not found', use, src, "imported here")
            return []
        display_path = os.path.join(os.path.dirname(src.path), use.path)
        imported = A.SourceFile(display_path, text)
        program, errors = parse_source(imported)
        self.diags += errors
        decls = self.resolve(program, imported, [*chain, target])
        if use.names is None:
            return decls
        chosen, missing = _select(decls, use.names)
        for name in missing:
            message = f"use \"{use.path}\": name '{name}' not found in imported file"
            self.report("ILO-P019", message, use, src, "imported here")
        return chosen


def load_program(src: A.SourceFile) -> tuple[A.Program, list[Diagnostic]]:
    """Parse `src` and resolve its imports.

    Returns the program with imported declarations spliced in place of each `use` (each decl's
    `.source` is the file it came from) and the diagnostics in reporting order: the
    cross-language warning, then a lexer error alone, or import errors then parse errors.
    """
    diags: list[Diagnostic] = []
    warning = cross_language_warning(src.text)
    if warning is not None:
        diags.append(warning)
    program, parse_diags = parse_source(src)
    if parse_diags and parse_diags[0].code is not None and parse_diags[0].code.startswith("ILO-L"):
        return program, diags + parse_diags
    resolver = _Resolver()
    chain = [os.path.normpath(os.path.abspath(src.path))] if src.path is not None else []
    decls = resolver.resolve(program, src, chain)
    resolved = A.Program(decls, source=src, span=program.span)
    return resolved, diags + resolver.diags + parse_diags
