"""setuptools plugin: ilo modules become extension modules of the package being built.

A package declares its modules in `pyproject.toml`:

    [build-system]
    requires = ["setuptools>=68", "ilo-aot"]
    build-backend = "setuptools.build_meta"

    [tool.ilo-aot]
    modules = ["src/pkg/kernels.ilo"]      # or [{path = "...", name = "pkg.kernels"}]
    backend = "llvm"                       # optional: llvm | arm64
    opt-level = 2                          # optional: 0..3

or with `setup(ilo_modules=["src/pkg/kernels.ilo"])`. The import name of a module is its stem
prefixed by the enclosing Python packages (folders with `__init__.py`). `pip install .` /
`python -m build` then compile each module (through the compile cache) and put
`pkg/kernels.abi3.so` and `pkg/kernels.pyi` in the wheel, tagged `cp310-abi3` when every
extension of the package is an ilo module.

Environment overrides, for cross builds: `ILO_AOT_TARGET` (target triple), `ILO_AOT_BACKEND`,
`ILO_AOT_OPT_LEVEL`; `ILO_AOT_NO_CACHE=1` disables the cache. setuptools' own `CC`/`LDSHARED`
select the C compiler and linker.

Hooks (entry points in ilo-aot's pyproject.toml): `finalize_distribution_options` (reads the
configuration, adds the extensions and the build_ext command) and the `ilo_modules` setup
keyword. A build failure prints the ilo diagnostics (file, line:col, caret excerpt) as the
last thing, with no traceback.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from typing import Any

from setuptools import Extension
from setuptools.command.build_ext import build_ext

LIMITED_API_TAG = "cp310"


@dataclass
class ModuleDecl:
    path: str
    name: str | None = None


class IloConfigError(Exception):
    """`[tool.ilo-aot]` or `ilo_modules` is malformed."""


class IloExtension(Extension):
    """An extension module built from an ilo source file."""

    def __init__(self, name: str, ilo_path: str, options: dict[str, Any]) -> None:
        super().__init__(name, sources=[], py_limited_api=True)
        self.ilo_path = ilo_path
        self.ilo_options = options


def _fail(message: str) -> None:
    """Print `message` as the last output and stop the build (no traceback)."""
    sys.stdout.flush()
    print(message, file=sys.stderr, flush=True)
    raise SystemExit(1)


def _read_pyproject(root: str) -> dict[str, Any]:
    path = os.path.join(root, "pyproject.toml")
    if not os.path.isfile(path):
        return {}
    import tomllib

    with open(path, "rb") as f:
        try:
            data = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise IloConfigError(f"{path}: {e}") from None
    tool = data.get("tool", {})
    cfg = tool.get("ilo-aot", tool.get("ilo_aot"))
    if cfg is None:
        return {}
    if not isinstance(cfg, dict):
        raise IloConfigError(f"{path}: [tool.ilo-aot] must be a table")
    return cfg


def _module_decls(items: Any, where: str) -> list[ModuleDecl]:
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        raise IloConfigError(f"{where}: modules must be a list of paths")
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(ModuleDecl(item))
        elif isinstance(item, dict) and isinstance(item.get("path"), str):
            name = item.get("name")
            if name is not None and not isinstance(name, str):
                raise IloConfigError(f"{where}: module name must be a string: {item!r}")
            out.append(ModuleDecl(item["path"], name))
        else:
            raise IloConfigError(f"{where}: each module is a path or {{path=..., name=...}}")
    return out


def _options(cfg: dict[str, Any]) -> dict[str, Any]:
    env = os.environ
    backend = env.get("ILO_AOT_BACKEND") or cfg.get("backend", "llvm")
    opt = env.get("ILO_AOT_OPT_LEVEL") or cfg.get("opt-level", cfg.get("opt_level", 2))
    target = env.get("ILO_AOT_TARGET") or cfg.get("target")
    try:
        opt = int(opt)
    except (TypeError, ValueError):
        raise IloConfigError(f"[tool.ilo-aot] opt-level must be an integer, got {opt!r}") from None
    return {
        "backend": str(backend),
        "opt_level": opt,
        "target": str(target) if target else None,
        "native": bool(cfg.get("native", True)),
    }


def ilo_modules_keyword(dist: Any, attr: str, value: Any) -> None:
    """Validate `setup(ilo_modules=[...])` (distutils.setup_keywords entry point)."""
    try:
        _module_decls(value, "ilo_modules")
    except IloConfigError as e:
        from distutils.errors import DistutilsSetupError

        raise DistutilsSetupError(str(e)) from None


def finalize_distribution_options(dist: Any) -> None:
    """Add an IloExtension per declared ilo module (setuptools.finalize_distribution_options
    entry point). Does nothing for packages that declare none."""
    root = dist.src_root or os.getcwd()
    try:
        cfg = _read_pyproject(root)
        decls = _module_decls(cfg["modules"], "[tool.ilo-aot]") if "modules" in cfg else []
        keyword = getattr(dist, "ilo_modules", None)
        if keyword:
            decls += _module_decls(keyword, "ilo_modules")
        if not decls:
            return
        options = _options(cfg)
    except IloConfigError as e:
        _fail(f"ilo-aot: {e}")
        return
    from .aot.errors import AotError
    from .aot.plan import module_name_for

    existing = list(dist.ext_modules or [])
    # setuptools may finalize a distribution more than once: add each module once.
    known = {e.name for e in existing if isinstance(e, IloExtension)}
    for decl in decls:
        path = os.path.join(root, decl.path) if not os.path.isabs(decl.path) else decl.path
        if not os.path.isfile(path):
            _fail(f"ilo-aot: ilo module not found: {decl.path} (listed in {_origin(cfg, decl)})")
        try:
            name = decl.name or module_name_for(path)
        except AotError as e:
            _fail(f"ilo-aot: {e}")
        if name not in known:
            known.add(name)
            existing.append(IloExtension(name, decl.path, options))
    dist.ext_modules = existing
    cmdclass = dist.cmdclass
    base = cmdclass.get("build_ext")
    if base is None or not issubclass(base, IloBuildExt):
        cmdclass["build_ext"] = IloBuildExt
    wheel_opts = dist.command_options.setdefault("bdist_wheel", {})
    if all(isinstance(e, IloExtension) or getattr(e, "py_limited_api", False) for e in existing):
        wheel_opts.setdefault("py_limited_api", ("ilo-aot", LIMITED_API_TAG))
    plat = _cross_platform_tag(options["target"])
    if plat is not None:
        wheel_opts.setdefault("plat_name", ("ilo-aot", plat))


def _cross_platform_tag(target: str | None) -> str | None:
    """The wheel platform of a Linux cross build (`aarch64-unknown-linux-gnu` on an x86_64
    host -> `linux_aarch64`), else None (the host's platform applies)."""
    if not target:
        return None
    parts = target.split("-")
    arch = {"arm64": "aarch64"}.get(parts[0], parts[0])
    if "linux" not in parts or sys.platform != "linux":
        return None
    import platform

    host = {"arm64": "aarch64", "amd64": "x86_64"}.get(platform.machine().lower(),
                                                      platform.machine().lower())
    return None if arch == host else f"linux_{arch}"


def _origin(cfg: dict[str, Any], decl: ModuleDecl) -> str:
    listed = [d.path for d in _module_decls(cfg.get("modules", []), "")] if cfg else []
    return "pyproject.toml [tool.ilo-aot] modules" if decl.path in listed else "ilo_modules"


class IloBuildExt(build_ext):
    """build_ext that builds IloExtension modules with ilo-aot (other extensions as usual)."""

    def build_extension(self, ext: Extension) -> None:
        if not isinstance(ext, IloExtension):
            super().build_extension(ext)
            return
        from .aot.build import BuildOptions, build_module
        from .aot.errors import AotError

        ext_path = self.get_ext_fullpath(ext.name)
        opts = ext.ilo_options

        def link(c_file: str, objects: list[str], out_path: str, workdir: str) -> None:
            ext.sources = [c_file]
            ext.extra_objects = list(objects)
            ext.py_limited_api = True
            saved_force = self.force
            self.force = True
            try:
                super(IloBuildExt, self).build_extension(ext)
            finally:
                self.force = saved_force
            shutil.copyfile(ext_path, out_path)

        print(f"ilo-aot: building {ext.name} from {ext.ilo_path}", flush=True)
        try:
            result = build_module(
                ext.ilo_path,
                ext_path,
                module_name=ext.name,
                options=BuildOptions(
                    backend=opts["backend"],
                    opt_level=opts["opt_level"],
                    target=opts["target"],
                    native=opts["native"],
                ),
                linker=link,
                toolchain_id=self._toolchain_id(),
                use_cache=not os.environ.get("ILO_AOT_NO_CACHE"),
            )
        except AotError as e:
            _fail(str(e))
            return
        how = "from the compile cache" if result.cache_hit else "compiled"
        print(
            f"ilo-aot: {ext.name}: {len(result.native)} native, {len(result.fallback)} "
            f"fallback-tier function(s), {how} in {result.seconds:.2f}s",
            flush=True,
        )
        for fname, why in result.fallback.items():
            print(f"ilo-aot:   {fname}: fallback tier ({why})", flush=True)

    def _toolchain_id(self) -> str:
        cc = self.compiler
        parts = [type(cc).__name__, self.plat_name or "", f"include={self.include_dirs}"]
        for attr in ("compiler_so", "linker_so", "compiler", "cc", "linker"):
            value = getattr(cc, attr, None)
            if value:
                parts.append(f"{attr}={value}")
        return " ".join(map(str, parts))
