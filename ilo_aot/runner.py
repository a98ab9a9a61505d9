"""One run of `ilo`: load, check, choose the entry, run, print (language.md §9.4)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, TextIO

from ilo_runtime.diagnostics import Diagnostic
from ilo_runtime.display import display
from ilo_runtime.errors import IloRuntimeError
from ilo_runtime.values import Err, Ok

from .frontend import ast as A
from .pipeline import check, read_source

if TYPE_CHECKING:
    from .cli import Options, Reporter


def run_program(opts: Options, out: TextIO, err: TextIO, reporter: Reporter) -> int:
    from .cli_args import choose_entry

    if opts.inline is not None:
        src, args, is_file, shown = A.SourceFile(None, opts.inline), opts.positional, False, None
    else:
        first = opts.positional[0]
        is_file = os.path.isfile(first)
        shown = first
        try:
            src = read_source(first) if is_file else A.SourceFile(None, first)
        except (OSError, UnicodeDecodeError) as e:
            err.write(f"error: cannot read {first}: {e}\n")
            return 1
        args = opts.positional[1:]

    checked = check(src, verify_program=not opts.ast)
    reporter.report(checked.diagnostics)
    if checked.errors or checked.program is None:
        return 1
    program = checked.program
    if opts.ast:
        return _dump_ast(program, out)

    if opts.bench is not None:
        from .bench_cli import bench

        return bench(src, program, opts.bench, args, out, err)

    name, values, special = choose_entry(program, args, is_file)
    if special is not None:
        return _special(special, program, shown or "", out, err, reporter)
    assert name is not None
    decl = next(f for f in program.functions() if f.name == name)
    if len(values) != len(decl.params):
        reporter.report(
            [
                Diagnostic(
                    f"{name}: expected {len(decl.params)} args, got {len(values)}",
                    code="ILO-R004",
                )
            ]
        )
        return 1

    from .jit.tiered import EngineUnavailable, TieredProgram

    try:
        tier = TieredProgram(src, program, opts.engine)
    except EngineUnavailable as e:
        err.write(f"error: {e}\n")
        return 1
    tier.start()
    try:
        value = tier.call_ilo(name, values)
    except IloRuntimeError as e:
        out.flush()
        reporter.report([runtime_error(e)])
        if opts.jit_stats:
            _print_jit_stats(err)
        return 1
    finally:
        out.flush()
    if opts.mode == "json":
        code = _print_json(value, out)
    else:
        code = print_result(value, out, err, loop_tail_suppresses(decl))
    if opts.jit_stats:
        out.flush()
        _print_jit_stats(err)
    if code == 0 and opts.hints:
        from .frontend.lint import hints

        reporter.hints(hints(src.text, program))
    return code


def _print_jit_stats(err: TextIO) -> None:
    from .jit.stats import jit_stats

    err.write(str(jit_stats()) + "\n")


def _print_json(value: object, out: TextIO) -> int:
    from .json_result import json_result

    text, is_err = json_result(value)
    out.write(text + "\n")
    return 1 if is_err else 0


def _dump_ast(program: A.Program, out: TextIO) -> int:
    from .frontend.ast_dump import ast_to_json

    out.write(ast_to_json(program) + "\n")
    return 0


def _special(
    special: str, program: A.Program, shown: str, out: TextIO, err: TextIO, reporter: Reporter
) -> int:
    names = [f.name for f in program.functions()]
    listing = "available functions:\n" + "".join(f"  {n}\n" for n in names) + "\n"
    if special == "ast":
        return _dump_ast(program, out)
    if special == "no-functions":
        reporter.report([Diagnostic("no functions defined", code="ILO-R012")])
        return 1
    if special.startswith("no-such:"):
        err.write(f"error: no such function '{special[8:]}' in {shown}\n")
        err.write(listing)
        err.write(f"  ilo {shown} <func> [args...]   run a function\n")
        return 1
    err.write(f"error: {shown} defines multiple functions, please specify one.\n")
    err.write(listing)
    err.write(f"  ilo {shown} <func> [args...]   run a function\n")
    err.write(f"  ilo --ast {shown}              dump the parsed AST as JSON\n")
    return 1


def loop_tail_suppresses(fn: A.FnDecl) -> bool:
    """The loop-tail rule (language.md §9.4)."""
    if not fn.body or not isinstance(fn.body[-1], (A.ForEach, A.ForRange, A.While)):
        return False
    return not _has_ret_or_guard(fn.body)


def _has_ret_or_guard(stmts: list[A.Stmt]) -> bool:
    """Any `ret` or braceless guard in these statements, nested blocks and match arms included
    (lambdas are separate functions and are not searched)."""
    for s in stmts:
        if isinstance(s, (A.Ret, A.Guard)):
            return True
        if isinstance(s, A.If):
            if _has_ret_or_guard(s.then) or (s.else_ is not None and _has_ret_or_guard(s.else_)):
                return True
        if isinstance(s, (A.ForEach, A.ForRange, A.While)) and _has_ret_or_guard(s.body):
            return True
        if any(_match_has_ret_or_guard(e) for e in A.stmt_exprs(s)):
            return True
    return False


def _match_has_ret_or_guard(e: A.Expr) -> bool:
    if isinstance(e, A.Match) and any(_has_ret_or_guard(arm.body) for arm in e.arms):
        return True
    return any(_match_has_ret_or_guard(c) for c in A.child_exprs(e))


def print_result(value: Any, out: TextIO, err: TextIO, suppress: bool) -> int:
    if type(value) is Err:
        out.flush()
        err.write(display(value) + "\n")
        return 1
    if suppress:
        return 0
    if type(value) is Ok:
        value = value.value
    out.write(display(value) + "\n")
    return 0


def runtime_error(e: IloRuntimeError) -> Diagnostic:
    return e.diagnostic or Diagnostic(e.message, code=e.code, label="here")
