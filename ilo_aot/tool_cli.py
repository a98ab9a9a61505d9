"""The `ilo-aot` command (design.md §7).

    ilo-aot compile FILE... -o DIR [--target TRIPLE] [--backend llvm|arm64] [--opt N]
                                   [--name NAME] [--cc CC] [--python-include DIR]
                                   [--no-native] [--no-cache]
    ilo-aot sources FILE --shim C --object O --stub PYI [--name NAME] [--target ...]
    ilo-aot cache info|clear
    ilo-aot check FILE
    ilo-aot show FILE FUNC [--ir|--llvm|--asm|--py] [--target TRIPLE] [--backend llvm|arm64] [--opt N]

`compile` writes `DIR/<module>.abi3.so` (`.pyd` on Windows) and `DIR/<module>.pyi` per file,
printing one progress line per module; `check` and `show` are in `ilo_aot.inspect_cmd`. Errors
are one readable message (ilo diagnostics with file, line:col and caret excerpt), never a
traceback; the exit status is 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence

from .aot.errors import AotError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ilo-aot", description="Compile ilo modules ahead of time.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("compile", help="build extension modules from .ilo files")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("-o", "--output", required=True, metavar="DIR", help="output folder")
    c.add_argument("--target", default=None, metavar="TRIPLE", help="target triple (default host)")
    c.add_argument("--backend", default="llvm", choices=["llvm", "arm64"])
    c.add_argument("--opt", type=int, default=2, choices=[0, 1, 2, 3], metavar="N")
    c.add_argument("--name", default=None, help="import name (one FILE only)")
    c.add_argument("--cc", default=None, help="C compiler (default $CC, or cc)")
    c.add_argument("--python-include", default=None, metavar="DIR", help="Python.h folder")
    c.add_argument("--no-native", action="store_true", help="fallback tier only")
    c.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")

    e = sub.add_parser(
        "sources", help="write the C shim, native object and stub (for the CMake package)"
    )
    e.add_argument("file", metavar="FILE")
    e.add_argument("--shim", required=True, metavar="PATH", help="C source to write")
    e.add_argument("--object", required=True, metavar="PATH", help="object file to write")
    e.add_argument("--stub", required=True, metavar="PATH", help=".pyi to write")
    e.add_argument("--name", default=None, help="import name")
    e.add_argument("--target", default=None, metavar="TRIPLE")
    e.add_argument("--backend", default="llvm", choices=["llvm", "arm64"])
    e.add_argument("--opt", type=int, default=2, choices=[0, 1, 2, 3], metavar="N")
    e.add_argument("--no-native", action="store_true")
    e.add_argument("--no-cache", action="store_true")

    k = sub.add_parser("cache", help="show or clear the compile cache")
    k.add_argument("action", choices=["info", "clear"])

    from .inspect_cmd import add_parsers

    add_parsers(sub)
    return p


def _toolchain(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .aot.toolchain import CcToolchain, default_toolchain

    target = args.target
    cc = args.cc or os.environ.get("CC")
    if target and not cc:
        from .backends.llvm.target import normalize_triple

        full = normalize_triple(target)
        host = normalize_triple(None)
        if full.split("-")[0] != host.split("-")[0] or ("linux" in full) != ("linux" in host):
            guess = f"{full.split('-')[0]}-linux-gnu-gcc" if "linux" in full else None
            if guess is None or shutil.which(guess) is None:
                raise AotError(f"cross-compiling for {full}: give the C compiler with --cc")
            cc = guess
    if cc is None and args.python_include is None:
        return default_toolchain()
    tc = CcToolchain()
    if cc:
        import shlex

        tc.cc = shlex.split(cc)
    if args.python_include:
        tc.python_include = args.python_include
    if target:
        from .backends.llvm.target import normalize_triple

        full = normalize_triple(target)
        tc.platform = "darwin" if "apple" in full else "win32" if "windows" in full else "linux"
    return tc


def _compile(args: argparse.Namespace) -> int:
    from .aot.build import BuildOptions, build_module
    from .aot.plan import module_name_for
    from .cache import CompileCache

    if args.name and len(args.files) != 1:
        raise AotError("--name needs exactly one FILE")
    os.makedirs(args.output, exist_ok=True)
    tc = _toolchain(args)
    options = BuildOptions(args.backend, args.opt, args.target, not args.no_native)
    cache = CompileCache()
    total = len(args.files)
    for i, path in enumerate(args.files, 1):
        if not os.path.isfile(path):
            raise AotError(f"ilo module not found: {path}")
        name = args.name or module_name_for(path)
        out = os.path.join(args.output, name.rsplit(".", 1)[-1] + tc.ext_suffix())
        print(f"[{i}/{total}] {name} ({path})", flush=True)
        r = build_module(
            path, out, module_name=name, options=options, toolchain=tc, cache=cache,
            use_cache=not args.no_cache,
        )
        how = "cache hit" if r.cache_hit else "compiled"
        print(
            f"      {len(r.native)} native, {len(r.fallback)} fallback -> {r.ext_path} "
            f"({how}, {r.seconds:.2f}s)",
            flush=True,
        )
    return 0


def _sources(args: argparse.Namespace) -> int:
    from .aot.build import BuildOptions, emit_sources

    options = BuildOptions(args.backend, args.opt, args.target or None, not args.no_native)
    r = emit_sources(
        args.file, args.shim, args.object, args.stub, module_name=args.name, options=options,
        use_cache=not args.no_cache,
    )
    how = "cache hit" if r.cache_hit else "compiled"
    print(
        f"ilo-aot: {r.module_name}: {len(r.native)} native, {len(r.fallback)} fallback "
        f"({how}, {r.seconds:.2f}s)",
        flush=True,
    )
    return 0


def _cache(args: argparse.Namespace) -> int:
    from .cache import CompileCache

    cache = CompileCache()
    if args.action == "info":
        info = cache.info()
        print(f"cache: {info.path}")
        print(f"entries: {info.entries}")
        print(f"size: {info.size} bytes")
    else:
        n = cache.clear()
        print(f"removed {n} entr{'y' if n == 1 else 'ies'} from {cache.root}")
    return 0


def run(argv: Sequence[str]) -> int:
    """Run the command; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(list(argv))
    try:
        if args.command == "compile":
            return _compile(args)
        if args.command == "sources":
            return _sources(args)
        if args.command == "cache":
            return _cache(args)
        if args.command == "check":
            from .inspect_cmd import run_check

            return run_check(args)
        if args.command == "show":
            from .inspect_cmd import run_show

            return run_show(args)
        parser.print_help()
        return 2
    except AotError as e:
        sys.stdout.flush()
        print(str(e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
