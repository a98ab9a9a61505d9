"""`ilo-aot check` and `ilo-aot show`: what the compiler makes of each function (design.md §7).

    ilo-aot check FILE
        tot       native    (n n n -> n)
        greet     fallback  line 2: parameter `name` has type t, not supported natively (only n and b)
        2 functions: 1 native, 1 fallback

    ilo-aot show FILE FUNC [--ir | --llvm | --asm | --py] [--target TRIPLE] [--backend llvm|arm64]
                           [--opt N]

`check` verifies the file (diagnostics and exit status 1 on errors) and lists every user function
with its tier: `native` with its signature, or `fallback` with the eligibility reason. `show`
prints one function as the typed IR (default), optimised LLVM IR, target assembly (LLVM, or the
raw AArch64 emitter's listing with `--backend arm64`), or the Python source of its fallback tier.
IR, LLVM IR and assembly include the native functions it calls. Every failure is an `AotError`
holding one readable message; `ilo_aot.tool_cli` prints it and exits with status 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

from .aot.errors import AotError
from .frontend import ast as A
from .frontend.types import render_type

VIEWS = ("ir", "llvm", "asm", "py")


@dataclass
class FunctionStatus:
    """One line of `ilo-aot check`: a user function and its tier."""

    name: str
    native: bool
    signature: str  # `(n n n -> n)`
    reason: str = ""  # why it is not native (empty when native)
    origin: str | None = None  # the imported file it comes from (None: the checked file)


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the `check` and `show` subcommands on the `ilo-aot` parser."""
    c = sub.add_parser(
        "check",
        help="verify a module and list each function: native or fallback, and why",
        description="Verify FILE and list every function: native (compiled to machine code) "
        "or fallback (runs as generated Python), with the reason.",
    )
    c.add_argument("file", metavar="FILE", help="the .ilo module")

    s = sub.add_parser(
        "show",
        help="print what the compiler made of one function",
        description="Print FUNC of FILE as typed IR (default), optimised LLVM IR, assembly, or "
        "the Python source of its fallback tier. IR, LLVM IR and assembly include the native "
        "functions FUNC calls.",
    )
    s.add_argument("file", metavar="FILE", help="the .ilo module")
    s.add_argument("func", metavar="FUNC", help="function name (ilo or Python spelling)")
    views = s.add_mutually_exclusive_group()
    views.add_argument("--ir", dest="view", action="store_const", const="ir",
                       help="the typed IR (backend independent; the default)")
    views.add_argument("--llvm", dest="view", action="store_const", const="llvm",
                       help="the optimised LLVM IR")
    views.add_argument("--asm", dest="view", action="store_const", const="asm",
                       help="target assembly")
    views.add_argument("--py", dest="view", action="store_const", const="py",
                       help="the generated Python of the fallback tier")
    s.set_defaults(view="ir")
    s.add_argument("--target", default=None, metavar="TRIPLE",
                   help="target triple for --llvm/--asm, e.g. aarch64 (default: the host)")
    s.add_argument("--backend", default="llvm", choices=["llvm", "arm64"],
                   help="backend for --asm: LLVM, or the raw AArch64 emitter")
    s.add_argument("--opt", type=int, default=2, choices=[0, 1, 2, 3], metavar="N",
                   help="LLVM optimisation level (default 2)")


# ---------------------------------------------------------------------------------------------
# Loading


def load_program(path: str) -> A.Program:
    """Read and verify the ilo file at `path`. Warnings go to stderr; errors raise AotError
    with the diagnostics (file, line:col and caret excerpt)."""
    from .pipeline import check, read_source

    if not os.path.isfile(path):
        raise AotError(f"ilo module not found: {path}")
    try:
        src = read_source(path)
    except (OSError, UnicodeDecodeError) as e:
        raise AotError(f"cannot read ilo module {path}: {e}") from None
    checked = check(src)
    if checked.ok and checked.program is not None:
        for d in checked.diagnostics:
            print(d.to_text(with_path=True), file=sys.stderr)
        return checked.program
    diags = checked.errors or checked.diagnostics
    text = "\n".join(d.to_text(with_path=True) for d in diags)
    raise AotError(text or f"{path}: the module failed to load")


def _type_word(t: A.Type) -> str:
    text = render_type(t)
    return f"({text})" if " " in text else text


def signature(fn: A.FnDecl) -> str:
    """A function's type in the form `(n n n -> n)`."""
    params = " ".join(_type_word(p.type) for p in fn.params)
    arrow = f"{params} -> " if params else "-> "
    return f"({arrow}{_type_word(fn.ret)})"


# ---------------------------------------------------------------------------------------------
# check


def function_statuses(program: A.Program) -> list[FunctionStatus]:
    """Native or fallback, and why, for every user function of the verified `program`."""
    from .ir.eligibility import analyse

    analysis = analyse(program)
    main_path = program.source.path if program.source is not None else None
    out = []
    for fn in program.functions():
        origin = None
        if fn.source is not None and fn.source.path and fn.source.path != main_path:
            origin = fn.source.path
        native = analysis.is_native(fn.name)
        reason = "" if native else analysis.reasons.get(fn.name, "not analysed")
        out.append(FunctionStatus(fn.name, native, signature(fn), reason, origin))
    return out


def format_statuses(statuses: list[FunctionStatus]) -> str:
    """The text `ilo-aot check` prints: one line per function, then a summary line."""
    width = max([len(s.name) for s in statuses] + [8])
    lines = []
    for s in statuses:
        detail = s.signature if s.native else s.reason
        if s.origin:
            detail += f"  [from {s.origin}]"
        tier = "native" if s.native else "fallback"
        lines.append(f"{s.name:<{width}}  {tier:<8}  {detail}")
    n_native = sum(s.native for s in statuses)
    total = len(statuses)
    noun = "function" if total == 1 else "functions"
    lines.append(f"{total} {noun}: {n_native} native, {total - n_native} fallback")
    return "\n".join(lines)


def _emit(text: str) -> None:
    """Print `text`; a closed pipe (`... | head`) ends the output quietly."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def run_check(args: argparse.Namespace) -> int:
    """`ilo-aot check FILE`: print the per-function report; 0 when the module verifies."""
    program = load_program(args.file)
    _emit(format_statuses(function_statuses(program)))
    return 0


# ---------------------------------------------------------------------------------------------
# show


def resolve_function(program: A.Program, name: str, path: str) -> str:
    """The ilo name of the function `name` (ilo or Python spelling); AotError naming the
    module's functions when there is none."""
    from ilo_runtime.boundary import py_name

    names = [fn.name for fn in program.functions()]
    if name in names:
        return name
    for ilo_name in names:
        if py_name(ilo_name) == name:
            return ilo_name
    listed = ", ".join(names) if names else "(none)"
    raise AotError(f"{path}: no function `{name}`; functions: {listed}")


def _python_source(program: A.Program, func: str) -> str:
    """The `def` of `func` in the generated fallback module (both of its copies)."""
    from .pygen.analysis import mangle
    from .pygen.module import generate

    head = f"def f_{mangle(func)}("
    lines = generate(program).source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(head))
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    return "\n".join(lines[start:end])


def _arm64_listing(program: A.Program, func: str, triple: str | None) -> str:
    from .backends.arm64.codegen import CodegenError, compile_module, listing
    from .ir.eligibility import analyse

    if triple is not None:
        from .backends.llvm.target import normalize_triple

        full = normalize_triple(triple)
        if full.split("-")[0] not in ("aarch64", "arm64"):
            raise AotError(f"the arm64 backend writes AArch64 code, not '{full}'")
    analysis = analyse(program, [func])
    try:
        compiled = compile_module(analysis.module)
    except CodegenError as e:
        raise AotError(f"the arm64 backend cannot compile `{func}`: {e}") from None
    return "\n\n".join(listing(code) for code in compiled.functions)


def show_text(
    program: A.Program,
    func: str,
    view: str = "ir",
    *,
    target: str | None = None,
    backend: str = "llvm",
    opt_level: int = 2,
) -> str:
    """What `ilo-aot show` prints for the ilo function `func` of the verified `program`.

    `view` is one of VIEWS. AotError when `func` is not native (except for `py`), when the
    backend or target cannot do it, or when llvmlite is missing."""
    if view not in VIEWS:
        raise AotError(f"unknown view '{view}' (choose from {', '.join(VIEWS)})")
    if view == "py":
        return _python_source(program, func)
    if backend == "arm64" and view == "llvm":
        raise AotError("--llvm shows the llvm backend's code; use --asm with --backend arm64")

    from .ir.eligibility import analyse

    analysis = analyse(program, [func])
    if not analysis.is_native(func):
        why = analysis.reasons.get(func, "not analysed")
        raise AotError(f"`{func}` is not native: {why}\n(--py shows its fallback-tier Python)")
    if view == "ir":
        from .ir import ir

        return "\n\n".join(ir.format_function(f) for f in analysis.module.functions)
    if backend == "arm64":
        return _arm64_listing(program, func, target)
    try:
        from .backends.llvm.native import TargetError, show_asm, show_llvm
    except ImportError as e:  # llvmlite missing
        raise AotError(f"the llvm backend is not available: {e}") from None
    try:
        if view == "llvm":
            return show_llvm(program, func, target, opt_level)
        return show_asm(program, func, target, opt_level)
    except TargetError as e:
        raise AotError(str(e)) from None


def run_show(args: argparse.Namespace) -> int:
    """`ilo-aot show FILE FUNC ...`: print the chosen view of one function."""
    program = load_program(args.file)
    func = resolve_function(program, args.func, args.file)
    text = show_text(
        program, func, args.view, target=args.target, backend=args.backend, opt_level=args.opt
    )
    _emit(text.rstrip("\n"))
    return 0
