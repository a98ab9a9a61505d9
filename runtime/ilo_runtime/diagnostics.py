"""Diagnostics and their two written forms, JSON lines and text (diagnostics.md §2, §3).

Offsets are byte offsets into `source` (the file or inline text); line and column are derived
from it. Used by the compiler for L/P/T diagnostics and by the runtime for R diagnostics, so it
lives here, below both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass
class Diagnostic:
    """One reported problem. `start`/`end` None means no label."""

    message: str
    code: str | None = None
    severity: str = "error"
    start: int | None = None
    end: int | None = None
    label: str = ""
    notes: list[str] = field(default_factory=list)
    suggestion: str | None = None
    # Source text the offsets point into; None when the label carries no line/col (imports).
    source: str | None = None
    # File name, shown by the Python API and build tools (the CLI's own forms omit it).
    path: str | None = None

    def line_col(self) -> tuple[int, int] | None:
        """1-based line and byte column of `start`, or None without a label or source."""
        if self.start is None or self.source is None:
            return None
        data = self.source.encode("utf-8")
        start = min(self.start, len(data))
        line = data.count(b"\n", 0, start) + 1
        line_start = data.rfind(b"\n", 0, start) + 1
        return line, start - line_start + 1

    def to_json(self) -> str:
        """One compact JSON object, keys sorted (diagnostics.md §2)."""
        obj: dict[str, object] = {}
        if self.code is not None:
            obj["code"] = self.code
        labels = []
        if self.start is not None and self.end is not None:
            label: dict[str, object] = {
                "end": self.end,
                "message": self.label,
                "primary": True,
                "start": self.start,
            }
            lc = self.line_col()
            if lc is not None:
                label["line"], label["col"] = lc
            labels.append(label)
        obj["labels"] = labels
        obj["message"] = self.message
        obj["notes"] = list(self.notes)
        obj["severity"] = self.severity
        if self.suggestion is not None:
            obj["suggestion"] = self.suggestion
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def to_text(self, with_path: bool = False) -> str:
        """The plain-text form (diagnostics.md §2); `with_path` prefixes the location by file."""
        head = self.severity
        if self.code:
            head += f"[{self.code}]"
        lines = [f"{head}: {self.message}"]
        lc = self.line_col()
        if lc is not None and self.source is not None and self.start is not None:
            line, col = lc
            where = f"{line}:{col}"
            if with_path and self.path:
                where = f"{self.path}:{where}"
            width = len(str(line))
            pad = " " * (width + 1)
            data = self.source.encode("utf-8")
            line_start = data.rfind(b"\n", 0, min(self.start, len(data))) + 1
            line_end = data.find(b"\n", line_start)
            if line_end < 0:
                line_end = len(data)
            text = data[line_start:line_end].decode("utf-8", "replace").rstrip("\r")
            end = self.end if self.end is not None else self.start
            carets = "^" * max(1, end - self.start)
            caret_line = f"{pad}| {' ' * (col - 1)}{carets}"
            if self.label:
                caret_line += " " + self.label
            lines += [f"  --> {where}", f"{pad}|", f"{line} | {text}", caret_line, f"{pad}|"]
        elif with_path and self.path:
            lines.append(f"  --> {self.path}")
        lines += [f"  = note: {n}" for n in self.notes]
        if self.suggestion is not None:
            lines.append(f"  = suggestion: {self.suggestion}")
        return "\n".join(lines)
