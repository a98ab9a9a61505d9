"""`ilo FILE|CODE [FUNC] [ARGS...]`: the reference-compatible runner (language.md §9,
diagnostics.md §1, §2, §10, §11)."""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, field
from typing import TextIO

from ilo_runtime.diagnostics import Diagnostic

from . import __version__

USAGE = """\
usage: ilo FILE|CODE [FUNC] [ARGS...]      run an ilo program
       ilo run FILE|CODE [FUNC] [ARGS...]  the same
       ilo --explain CODE                  explain an error code (e.g. ILO-T004)
       ilo --version | --help

FILE is a path to an .ilo file; anything else is inline ilo source.
FUNC picks the entry function; ARGS are converted by the parameter types.

options:
  -j, --json        diagnostics as JSON lines; result as {"ok": ...}
  -t, --text        diagnostics as plain text
  -a, --ansi        diagnostics as coloured text
  -nh, --no-hints   no idiom hints after a successful run
  --ast             print the syntax tree as JSON
  --engine ENGINE   auto (tiered, default), interp, llvm or arm64
  --run-tree, --run, --run-vm        engine interp (reference flags)
  --run-cranelift, --run-llvm        engine llvm
  --run-jit                          engine arm64
  --jit-stats       print JIT statistics to stderr after the run
  --bench FUNC      time FUNC ARGS... in every available tier (ns per call)
  -e CODE           inline source
"""

_ENGINE_FLAGS = {
    "--run-tree": "interp",
    "--run": "interp",
    "--run-vm": "interp",
    "--run-cranelift": "llvm",
    "--run-llvm": "llvm",
    "--run-jit": "arm64",
}
_SUBCOMMANDS = {"repl", "serv", "tool", "tools", "graph", "compile", "spec"}
# Run inside a thread with a large stack so deep (but bounded) recursion raises cleanly.
_STACK_BYTES = 512 * 1024 * 1024


@dataclass
class Options:
    mode: str | None = None
    modes_given: int = 0
    hints: bool = True
    ast: bool = False
    engine: str = "auto"
    jit_stats: bool = False
    bench: str | None = None
    inline: str | None = None
    positional: list[str] = field(default_factory=list)


class UsageError(Exception):
    pass


def parse_options(argv: list[str]) -> Options:
    opts = Options()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--json", "-j", "--text", "-t", "--ansi", "-a"):
            mode = {"-j": "json", "-t": "text", "-a": "ansi"}.get(a, a[2:])
            if opts.mode != mode:
                opts.modes_given += 1
            opts.mode = mode
        elif a in ("--no-hints", "-nh"):
            opts.hints = False
        elif a == "--ast":
            opts.ast = True
        elif a in _ENGINE_FLAGS:
            opts.engine = _ENGINE_FLAGS[a]
        elif a == "--engine":
            i += 1
            if i >= len(argv):
                raise UsageError("--engine needs a value: auto, interp, llvm or arm64")
            opts.engine = argv[i]
        elif a.startswith("--engine="):
            opts.engine = a.split("=", 1)[1]
        elif a == "--jit-stats":
            opts.jit_stats = True
        elif a == "--bench":
            i += 1
            if i >= len(argv):
                raise UsageError("--bench needs a function name")
            opts.bench = argv[i]
        elif a in ("--tools", "--mcp"):
            i += 1  # tool providers are out of scope: the option and its value are ignored
        elif a == "-e":
            i += 1
            if i >= len(argv):
                raise UsageError("-e needs inline code")
            opts.inline = argv[i]
        else:
            opts.positional.append(a)
        i += 1
    if opts.engine not in ("auto", "interp", "llvm", "arm64"):
        raise UsageError(f"unknown engine '{opts.engine}': use auto, interp, llvm or arm64")
    return opts


class Reporter:
    """Writes diagnostics in the selected form (diagnostics.md §2)."""

    def __init__(self, mode: str | None, err: TextIO) -> None:
        if mode is None:
            if err.isatty():
                mode = "text" if os.environ.get("NO_COLOR") else "ansi"
            else:
                mode = "json"
        self.mode = mode
        self.err = err

    def report(self, diags: list[Diagnostic]) -> None:
        for d in diags:
            if self.mode == "json":
                self.err.write(d.to_json() + "\n")
            elif self.mode == "ansi":
                self.err.write(_colour(d.to_text()) + "\n")
            else:
                self.err.write(d.to_text() + "\n")
        self.err.flush()

    def hints(self, hints: list[str]) -> None:
        if not hints:
            return
        if self.mode == "json":
            import json

            self.err.write(
                json.dumps({"hints": hints}, ensure_ascii=False, separators=(",", ":")) + "\n"
            )
        else:
            for h in hints:
                self.err.write(h + "\n")


def _colour(text: str) -> str:
    first, _, rest = text.partition("\n")
    colour = "\x1b[1;31m" if first.startswith("error") else "\x1b[1;33m"
    head, sep, msg = first.partition(":")
    first = f"{colour}{head}\x1b[0m{sep}\x1b[1m{msg}\x1b[0m"
    return first + ("\n" + rest if rest else "")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `ilo` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    result: list[int] = [1]

    def run() -> None:
        result[0] = _main(argv, sys.stdout, sys.stderr)

    threading.stack_size(_STACK_BYTES)
    thread = threading.Thread(target=run, name="ilo-main")
    thread.start()
    thread.join()
    sys.stdout.flush()
    return result[0]


def _main(argv: list[str], out: TextIO, err: TextIO) -> int:
    if argv and argv[0] in ("--help", "-h", "help"):
        out.write(USAGE)
        return 0
    if argv and argv[0] in ("--version", "-V", "version"):
        out.write(f"ilo {__version__} (ilo-aot)\n")
        return 0
    if argv and argv[0] in ("--explain", "explain"):
        from .explain import explain

        if len(argv) < 2:
            err.write("error: --explain needs an error code, e.g. ilo --explain ILO-T004\n")
            return 1
        text = explain(argv[1])
        if text is None:
            err.write(f"error: unknown error code '{argv[1]}'\n")
            return 1
        out.write(text + "\n")
        return 0
    if argv and argv[0] == "run":
        argv = argv[1:]
    elif argv and argv[0] in _SUBCOMMANDS:
        err.write(f"error: 'ilo {argv[0]}' is not supported by ilo-aot; run programs with "
                  "'ilo FILE [FUNC] [ARGS...]'\n")
        return 1
    try:
        opts = parse_options(argv)
    except UsageError as e:
        err.write(f"error: {e}\n")
        return 1
    if opts.modes_given > 1:
        err.write("error: --json, --text, and --ansi are mutually exclusive\n")
        return 1
    if opts.inline is None and not opts.positional:
        out.write(USAGE)
        return 1
    from ilo_runtime.fallback import ensure_recursion_limit
    from ilo_runtime.ops import FALLBACK_RECURSION_LIMIT

    ensure_recursion_limit(FALLBACK_RECURSION_LIMIT)
    from .runner import run_program

    return run_program(opts, out, err, Reporter(opts.mode, err))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
