"""Public entry point of the parser: `parse_source` (language.md §1-§5, diagnostics.md §5-§6).

The parser is split by job: `parser_core` (cursor, errors, look-ahead, types), `parser_atoms`
(literals, names, lists, lambdas), `parser_expr` (operators and calls), `parser_stmt`
(statements, blocks, match) and `parser_decl` (declarations and recovery).
"""

from __future__ import annotations

from ilo_runtime.diagnostics import Diagnostic

from .ast import Program, SourceFile, Span
from .lexer import LexError, tokenize
from .parser_core import ParseError
from .parser_decl import DeclParser


class Parser(DeclParser):
    """The complete ilo parser over one file's tokens."""


def _diagnostic(err: LexError | ParseError, src: SourceFile) -> Diagnostic:
    return Diagnostic(
        message=err.message,
        code=err.code,
        start=err.start,
        end=err.end,
        label="here",
        suggestion=err.suggestion,
        source=src.text,
        path=src.path,
    )


def parse_source(src: SourceFile) -> tuple[Program, list[Diagnostic]]:
    """Lex and parse one source (imports are not resolved: `UseDecl`s stay in place).

    A lexer error yields exactly one diagnostic and an empty program. Parse errors drop the
    declarations they occur in (diagnostics.md §6.3); at most 20 are reported. Every declaration
    gets `source=src`. Never raises on bad input.
    """
    try:
        toks = tokenize(src.text)
    except LexError as err:
        return Program([], source=src), [_diagnostic(err, src)]
    parser = Parser(toks)
    decls, errors = parser.parse_program()
    for decl in decls:
        decl.source = src
    end = len(src.text.encode("utf-8", "surrogatepass"))
    program = Program(decls, source=src, span=Span(0, end))
    return program, [_diagnostic(e, src) for e in errors]
