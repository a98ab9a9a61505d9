"""An ilo module ready to become an extension module: verified program, fallback source,
native eligibility, and the tables the shim and the runtime need (design.md §1, §5)."""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass, field

from ilo_runtime.ops import FALLBACK_RECURSION_LIMIT

from ..frontend import ast as A
from ..frontend.types import Type
from ..ir import ir
from .errors import AotError

PAYLOAD_FORMAT = 1


@dataclass
class FunctionPlan:
    """One exported ilo function."""

    name: str
    params: list[str]
    param_types: list[Type]
    ret: Type
    signature: str
    native: ir.Function | None = None
    reason: str | None = None  # why it is not native


@dataclass
class ModulePlan:
    """Everything needed to emit one extension module."""

    module_name: str  # dotted import name, e.g. "pkg.kernels"
    source: A.SourceFile
    program: A.Program
    fallback_source: str
    functions: list[FunctionPlan]
    records: dict[str, list[tuple[str, Type]]]
    ir_module: ir.Module
    sources: list[A.SourceFile] = field(default_factory=list)

    @property
    def short_name(self) -> str:
        return self.module_name.rsplit(".", 1)[-1]

    @property
    def native_functions(self) -> list[ir.Function]:
        return list(self.ir_module.functions)

    def payload(self) -> bytes:
        """The data the shim embeds for `ilo_runtime.aot_support.init_module`."""
        src_index = {(s.path, s.text): i for i, s in enumerate(self.sources)}
        sites = []
        for s in self.ir_module.sites:
            start, end = s.span if s.span is not None else (None, None)
            idx = src_index.get((s.path, s.source)) if s.source is not None else None
            sites.append([s.code, s.message, s.function, start, end, idx])
        data = {
            "format": PAYLOAD_FORMAT,
            "module": self.module_name,
            "fallback": self.fallback_source,
            "functions": [
                {
                    "name": f.name,
                    "params": f.params,
                    "signature": f.signature,
                    "native": f.native is not None,
                }
                for f in self.functions
            ],
            "records": [[name, [f for f, _ in fields]] for name, fields in self.records.items()],
            "native": [f.name for f in self.ir_module.functions],
            "sites": sites,
            "sources": [[s.path, s.text] for s in self.sources],
            "recursion_limit": FALLBACK_RECURSION_LIMIT,
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return zlib.compress(text.encode("utf-8"), 9)


def module_name_for(path: str) -> str:
    """The dotted import name of the .ilo file at `path`: its stem, prefixed by every enclosing
    directory that is a Python package (has `__init__.py`)."""
    path = os.path.abspath(path)
    parts = [os.path.splitext(os.path.basename(path))[0]]
    folder = os.path.dirname(path)
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        parts.append(os.path.basename(folder))
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    name = ".".join(reversed(parts))
    if not all(p.isidentifier() for p in parts):
        raise AotError(f"{path}: '{name}' is not a valid Python module name")
    return name


def load_checked(path: str) -> A.Program:
    """Read and verify an ilo file; AotError carries the diagnostics (file, line:col, caret)."""
    from ..pipeline import check, read_source

    if not os.path.isfile(path):
        raise AotError(f"ilo module not found: {path}")
    try:
        src = read_source(path)
    except (OSError, UnicodeDecodeError) as e:
        raise AotError(f"cannot read ilo module {path}: {e}") from None
    checked = check(src)
    if not checked.ok or checked.program is None:
        diags = checked.errors or checked.diagnostics
        text = "\n".join(d.to_text(with_path=True) for d in diags)
        raise AotError(text or f"{path}: the module failed to load")
    return checked.program


def program_sources(program: A.Program) -> list[A.SourceFile]:
    """The module's own source and every file it imports, in first-seen order."""
    seen: dict[tuple[str | None, str], A.SourceFile] = {}
    for src in [program.source, *(d.source for d in program.decls)]:
        if src is not None:
            seen.setdefault((src.path, src.text), src)
    return list(seen.values())


def plan_module(path: str, module_name: str | None = None) -> ModulePlan:
    """Verify the ilo file at `path` and generate its fallback tier. Every function starts
    fallback-only; `attach_native` marks what a backend compiled."""
    from ..api import signature_text
    from ..pygen.module import generate

    program = load_checked(path)
    name = module_name or module_name_for(path)
    generated = generate(program)
    functions = [
        FunctionPlan(
            name=decl.name,
            params=[p.name for p in decl.params],
            param_types=[p.type for p in decl.params],
            ret=decl.ret,
            signature=signature_text(decl),
            reason="native code disabled",
        )
        for decl in program.functions()
    ]
    records = {
        d.name: [(f.name, f.type) for f in d.fields]
        for d in program.decls
        if isinstance(d, A.TypeDecl)
    }
    return ModulePlan(
        module_name=name,
        source=program.source or A.SourceFile(path, ""),
        program=program,
        fallback_source=generated.source,
        functions=functions,
        records=records,
        ir_module=ir.Module(),
        sources=program_sources(program),
    )


def attach_native(plan: ModulePlan, module: ir.Module, reasons: dict[str, str]) -> None:
    """Record which functions the backend compiled (`module`, fn_id order) and why the others
    were not (`reasons`)."""
    plan.ir_module = module
    native = {f.name: f for f in module.functions}
    for f in plan.functions:
        f.native = native.get(f.name)
        f.reason = None if f.native is not None else reasons.get(f.name, "not compiled")
