"""One ilo module -> one extension module (+ `.pyi`), end to end, through the compile cache.

    result = build_module("src/pkg/kernels.ilo", "build/pkg/kernels.abi3.so")

Steps: verify the module (a failure is an AotError holding the ilo diagnostics), look up the
cache (key: compiler fingerprint, backend, target, options, toolchain, module name, and the text
and path of the module and everything it imports); on a miss generate the fallback tier, compile
the eligible functions to an object file, write the C shim and link them with the toolchain,
then store the extension and stub in the cache.

Set `ILO_AOT_BUILD_LOG=FILE` to get one JSON line per module built (`"event": "hit"` or
`"compiled"`), which tests use to prove a warm build compiles nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..cache import CompileCache, compiler_fingerprint, make_key
from .errors import AotError
from .native import BACKENDS, native_object
from .plan import ModulePlan, attach_native, load_checked, module_name_for, plan_module, program_sources
from .shim import LIMITED_API, shim_source
from .stub import stub_text
from .toolchain import Toolchain, default_toolchain

# Links shim + objects into the extension at out_path (given a work folder): a Toolchain's
# `link`, or the setuptools plugin's build_ext.
Linker = Callable[[str, list[str], str, str], None]


@dataclass
class BuildOptions:
    """How to compile: backend (`llvm` or `arm64`), optimisation level, target triple (None:
    the host), `native=False` for a fallback-only module."""

    backend: str = "llvm"
    opt_level: int = 2
    target: str | None = None
    native: bool = True

    def validate(self) -> None:
        if self.backend not in BACKENDS:
            raise AotError(f"unknown backend '{self.backend}' (choose from {', '.join(BACKENDS)})")
        if not 0 <= self.opt_level <= 3:
            raise AotError(f"opt-level must be 0..3, got {self.opt_level}")


@dataclass
class BuildResult:
    module_name: str
    ext_path: str
    pyi_path: str
    cache_hit: bool
    native: list[str] = field(default_factory=list)
    fallback: dict[str, str] = field(default_factory=dict)  # name -> reason
    seconds: float = 0.0


def _log(result: BuildResult, source: str) -> None:
    path = os.environ.get("ILO_AOT_BUILD_LOG")
    if not path:
        return
    line = json.dumps(
        {
            "module": result.module_name,
            "source": source,
            "event": "hit" if result.cache_hit else "compiled",
            "native": result.native,
            "fallback": sorted(result.fallback),
            "seconds": round(result.seconds, 4),
            "pid": os.getpid(),
        }
    )
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


def cache_key(
    path: str, module_name: str, options: BuildOptions, toolchain_id: str, sources: list
) -> str:
    parts: list[str | bytes] = [
        compiler_fingerprint(),
        f"backend={options.backend}",
        f"opt={options.opt_level}",
        f"target={options.target or 'host'}",
        f"native={options.native}",
        f"limited-api={LIMITED_API}",
        f"toolchain={toolchain_id}",
        f"module={module_name}",
        f"path={path}",
    ]
    for src in sources:
        parts += [src.path or "", src.text]
    return make_key(*parts)


def _write(path: str, data: bytes, executable: bool = False) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    if os.name != "nt":
        os.chmod(tmp, 0o755 if executable else 0o644)
    os.replace(tmp, path)


def compile_plan(
    plan: ModulePlan, options: BuildOptions, linker: Linker, ext_path: str, workdir: str
) -> None:
    """Native object (when anything is eligible), shim, link: writes `ext_path`."""
    objects = []
    if options.native:
        obj = native_object(plan.program, options.backend, options.target, options.opt_level)
        attach_native(plan, obj.module, obj.reasons)
        if obj.module.functions:
            suffix = ".obj" if "windows" in obj.triple or "msvc" in obj.triple else ".o"
            obj_path = os.path.join(workdir, f"{plan.short_name}_native{suffix}")
            with open(obj_path, "wb") as f:
                f.write(obj.data)
            objects.append(obj_path)
    c_path = os.path.join(workdir, f"{plan.short_name}_shim.c")
    with open(c_path, "w", encoding="utf-8") as f:
        f.write(shim_source(plan))
    linker(c_path, objects, ext_path, workdir)
    if not os.path.isfile(ext_path):
        raise AotError(f"the compiler did not produce {ext_path}")


def build_module(
    path: str,
    ext_path: str | None = None,
    *,
    module_name: str | None = None,
    options: BuildOptions | None = None,
    toolchain: Toolchain | None = None,
    linker: Linker | None = None,
    toolchain_id: str | None = None,
    cache: CompileCache | None = None,
    use_cache: bool = True,
) -> BuildResult:
    """Build the extension module for the ilo file `path` at `ext_path` (default: next to the
    source, `<stem><suffix>`), with its `.pyi` beside it. `linker`/`toolchain_id` replace the
    toolchain (the setuptools plugin passes build_ext's compiler this way)."""
    t0 = time.perf_counter()
    options = options or BuildOptions()
    options.validate()
    if not os.path.exists(path):
        raise AotError(f"ilo module not found: {path}")
    name = module_name or module_name_for(path)
    if linker is None:
        tc = toolchain or default_toolchain()
        linker = tc.link
        toolchain_id = tc.identity()
        suffix = tc.ext_suffix()
    else:
        suffix = ".abi3.so"
    if ext_path is None:
        ext_path = os.path.join(os.path.dirname(path), name.rsplit(".", 1)[-1] + suffix)
    pyi_path = _pyi_path(ext_path)

    program = load_checked(path)
    key = cache_key(path, name, options, toolchain_id or "", program_sources(program))
    cache = cache or CompileCache()
    hit = cache.get(key) if use_cache else None
    if hit is not None and {"ext", "pyi", "meta"} <= hit.keys():
        meta = json.loads(hit["meta"])
        _write(ext_path, hit["ext"], executable=True)
        _write(pyi_path, hit["pyi"])
        result = BuildResult(
            name, ext_path, pyi_path, True, meta["native"], meta["fallback"],
            time.perf_counter() - t0,
        )
        _log(result, path)
        return result

    plan = plan_module(path, name)
    with tempfile.TemporaryDirectory(prefix="ilo-aot-build-") as work:
        tmp_ext = os.path.join(work, os.path.basename(ext_path))
        compile_plan(plan, options, linker, tmp_ext, work)
        with open(tmp_ext, "rb") as f:
            ext_bytes = f.read()
    pyi = stub_text(plan).encode("utf-8")
    native = [f.name for f in plan.functions if f.native is not None]
    fallback = {f.name: f.reason or "" for f in plan.functions if f.native is None}
    meta = json.dumps({"native": native, "fallback": fallback}).encode()
    if use_cache:
        cache.put(key, {"ext": ext_bytes, "pyi": pyi, "meta": meta})
    _write(ext_path, ext_bytes, executable=True)
    _write(pyi_path, pyi)
    result = BuildResult(
        name, ext_path, pyi_path, False, native, fallback, time.perf_counter() - t0
    )
    _log(result, path)
    return result


def _pyi_path(ext_path: str) -> str:
    base = os.path.basename(ext_path)
    stem = base.split(".", 1)[0]
    return os.path.join(os.path.dirname(ext_path), stem + ".pyi")


def emit_sources(
    path: str,
    shim_path: str,
    object_path: str,
    pyi_path: str,
    *,
    module_name: str | None = None,
    options: BuildOptions | None = None,
    cache: CompileCache | None = None,
    use_cache: bool = True,
) -> BuildResult:
    """Write the C shim, the native object (always present, possibly empty) and the stub of
    an ilo module, for build systems that compile and link themselves (the CMake package)."""
    t0 = time.perf_counter()
    options = options or BuildOptions()
    options.validate()
    if not os.path.exists(path):
        raise AotError(f"ilo module not found: {path}")
    name = module_name or module_name_for(path)
    program = load_checked(path)
    key = cache_key(path, name, options, "sources", program_sources(program))
    cache = cache or CompileCache()
    hit = cache.get(key) if use_cache else None
    if hit is not None and {"shim", "obj", "pyi", "meta"} <= hit.keys():
        meta = json.loads(hit["meta"])
        for p, member in ((shim_path, "shim"), (object_path, "obj"), (pyi_path, "pyi")):
            _write(p, hit[member])
        result = BuildResult(name, object_path, pyi_path, True, meta["native"],
                             meta["fallback"], time.perf_counter() - t0)
        _log(result, path)
        return result
    plan = plan_module(path, name)
    # With native code off, an object without functions keeps the build's file list fixed.
    program = plan.program if options.native else _empty_program()
    obj = native_object(program, options.backend, options.target, options.opt_level)
    attach_native(plan, obj.module, obj.reasons)
    obj_bytes = obj.data
    shim = shim_source(plan).encode("utf-8")
    pyi = stub_text(plan).encode("utf-8")
    native = [f.name for f in plan.functions if f.native is not None]
    fallback = {f.name: f.reason or "" for f in plan.functions if f.native is None}
    meta = json.dumps({"native": native, "fallback": fallback}).encode()
    if use_cache:
        cache.put(key, {"shim": shim, "obj": obj_bytes, "pyi": pyi, "meta": meta})
    for p, data in ((shim_path, shim), (object_path, obj_bytes), (pyi_path, pyi)):
        _write(p, data)
    result = BuildResult(name, object_path, pyi_path, False, native, fallback,
                         time.perf_counter() - t0)
    _log(result, path)
    return result


def _empty_program():  # type: ignore[no-untyped-def]
    from ..frontend import ast as A

    return A.Program([])
