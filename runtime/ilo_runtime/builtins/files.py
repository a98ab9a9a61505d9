"""File and environment builtins `rd rdl rdb rdjl wr wrl env` (builtins.md §17).

I/O failures are *returned* as `^"<OS error text> (os error N)"` (the reference's wording; Python's
own `str(OSError)` is `[Errno N] text: 'path'`), never raised, except by `rdjl`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ..display import display, display_key
from ..values import Err, Ok, Record
from ._util import MISSING, got, rt009
from .json_ import jpar_text, pretty_json

_NOT_UTF8 = "stream did not contain valid UTF-8"
_NUL_PATH = "file name contained an unexpected NUL byte"


def os_error_text(e: OSError) -> str:
    """An OSError in the reference's form: `No such file or directory (os error 2)`."""
    if e.errno is None:
        return str(e)
    return f"{e.strerror or os.strerror(e.errno)} (os error {e.errno})"


def _read_text(path: str) -> str:
    """The file's text (OSError or UnicodeDecodeError propagate)."""
    with open(path, "rb") as fh:
        data = fh.read()
    return data.decode("utf-8")


def _read_result(path: str) -> Ok | Err:
    try:
        return Ok(_read_text(path))
    except OSError as e:
        return Err(os_error_text(e))
    except UnicodeDecodeError:
        return Err(_NOT_UTF8)
    except ValueError:  # a NUL in the path: Python raises ValueError, Rust an io::Error
        return Err(_NUL_PATH)


def split_lines(text: str) -> list[str]:
    """Split on `\\n`, dropping one `\\r` before each `\\n`; nothing after a final terminator.
    (Python's `splitlines` also breaks on `\\r`, U+2028 and others, which are content here.)"""
    if not text:
        return []
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
        terminated = len(parts)
    else:
        terminated = len(parts) - 1
    return [p[:-1] if i < terminated and p.endswith("\r") else p for i, p in enumerate(parts)]


def parse_grid(text: str, sep: str) -> list[list[str]]:
    """CSV/TSV: per line, `"` toggles quoting and is dropped, `""` inside quotes is a quote."""
    rows = []
    for line in split_lines(text):
        fields: list[str] = []
        cur: list[str] = []
        quoted = False
        i = 0
        n = len(line)
        while i < n:
            c = line[i]
            if c == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    cur.append('"')
                    i += 2
                    continue
                quoted = not quoted
            elif c == sep and not quoted:
                fields.append("".join(cur))
                cur = []
            else:
                cur.append(c)
            i += 1
        fields.append("".join(cur))
        rows.append(fields)
    return rows


def _parse_as(text: str, fmt: str) -> Ok | Err:
    if fmt == "csv":
        return Ok(parse_grid(text, ","))
    if fmt == "tsv":
        return Ok(parse_grid(text, "\t"))
    if fmt == "json":
        return jpar_text(text)
    return Ok(text)


def _need_text(name: str, v: Any, what: str = "text") -> str:
    if type(v) is not str:
        raise rt009(f"{name} requires {what}, {got(v)}")
    return v


def rd(path: Any, fmt: Any = MISSING) -> Ok | Err:
    """`rd p [f]`: read a file as text, a CSV/TSV grid or JSON (by extension or `f`)."""
    path = _need_text("rd", path)
    if fmt is MISSING:
        ext = os.path.splitext(path)[1][1:].lower()
        fmt = ext if ext in ("csv", "tsv", "json") else ""
    else:
        fmt = _need_text("rd", fmt)
    r = _read_result(path)
    if type(r) is Err:
        return r
    return _parse_as(r.value, fmt)


def rdl(path: Any) -> Ok | Err:
    """`rdl p`: the file's lines."""
    path = _need_text("rdl", path)
    r = _read_result(path)
    if type(r) is Err:
        return r
    return Ok(split_lines(r.value))


def rdb(s: Any, fmt: Any) -> Ok | Err:
    """`rdb s f`: parse text `s` with format `f` as `rd p f` would."""
    return _parse_as(_need_text("rdb", s), _need_text("rdb", fmt))


def rdjl(path: Any) -> list:
    """`rdjl p`: one `jpar` result per non-empty line; an unreadable file is R009."""
    path = _need_text("rdjl", path)
    try:
        text = _read_text(path)
    except OSError as e:
        raise rt009(f"rdjl failed to read '{path}': {os_error_text(e)}") from None
    except UnicodeDecodeError:
        raise rt009(f"rdjl failed to read '{path}': {_NOT_UTF8}") from None
    except ValueError:
        raise rt009(f"rdjl failed to read '{path}': {_NUL_PATH}") from None
    return [jpar_text(line) for line in text.split("\n") if line != ""]


def _write(path: str, text: str) -> Ok | Err:
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as e:
        return Err(os_error_text(e))
    except ValueError:
        return Err(_NUL_PATH)
    return Ok(path)


def _cell(v: Any, sep: str) -> str:
    text = "" if v is None else v if type(v) is str else display(v)
    if sep in text or '"' in text or "\n" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _row_fields(row: Any) -> dict[str, Any]:
    if type(row) is Record:
        return row.fields
    return {display_key(k): v for k, v in row.items()}


def format_grid(rows: Any, sep: str) -> str:
    """Rows as CSV/TSV text: all lists (no header), or all records/maps (sorted-key header)."""
    if type(rows) is not list:
        raise rt009(f"wr: csv/tsv data must be a list of rows, {got(rows)}")
    if not rows:
        return ""
    if all(type(r) is list for r in rows):
        return "".join(sep.join(_cell(c, sep) for c in r) + "\n" for r in rows)
    if all(type(r) is Record or type(r) is dict for r in rows):
        header = sorted(_row_fields(rows[0]))
        lines = [sep.join(_cell(h, sep) for h in header) + "\n"]
        for r in rows:
            fields = _row_fields(r)
            lines.append(sep.join(_cell(fields.get(h), sep) for h in header) + "\n")
        return "".join(lines)
    raise rt009("wr: csv/tsv rows must be all lists or all records/maps")


def wr(path: Any, data: Any, fmt: Any = MISSING) -> Ok | Err:
    """`wr p s` writes text; `wr p d f` writes `d` as csv, tsv or json."""
    path = _need_text("wr", path)
    if fmt is MISSING:
        return _write(path, _need_text("wr", data))
    fmt = _need_text("wr", fmt)
    if fmt == "csv":
        text = format_grid(data, ",")
    elif fmt == "tsv":
        text = format_grid(data, "\t")
    elif fmt == "json":
        text = pretty_json(data)
    else:
        raise rt009(f"wr: unknown format '{fmt}', expected csv, tsv, or json")
    return _write(path, text)


def wrl(path: Any, xs: Any) -> Ok | Err:
    """`wrl p xs`: each text item followed by a newline."""
    path = _need_text("wrl", path)
    if type(xs) is not list:
        raise rt009(f"wrl requires a list, {got(xs)}")
    for x in xs:
        if type(x) is not str:
            raise rt009(f"wrl: list items must be text, {got(x)}")
    return _write(path, "".join(x + "\n" for x in xs))


def env(k: Any) -> Ok | Err:
    """`env k`: the environment variable's value, or `^"env var 'k' not set"`."""
    k = _need_text("env", k)
    value = os.environ.get(k)
    if value is None:
        return Err(f"env var '{k}' not set")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # non-UTF-8 bytes surface as lone surrogates
        return Err(f"env var '{k}' not set")
    return Ok(value)


BUILTINS: dict[str, Callable[..., Any]] = {
    "rd": rd,
    "rdl": rdl,
    "rdb": rdb,
    "rdjl": rdjl,
    "wr": wr,
    "wrl": wrl,
    "env": env,
}
