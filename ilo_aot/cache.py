"""The compile cache shared by AOT builds and the JIT (design.md §5).

Entries are content-addressed: `key(...)` hashes everything that decides the output (compiler
fingerprint, backend, target, options, the module's source and everything it imports). Each
entry is one file holding named members (e.g. `ext` and `pyi`), written atomically (temp file
in the same folder + `os.replace`), so concurrent builds of the same key are safe: the last
writer wins and every reader sees a whole entry. Every entry carries a SHA-256 of its body; a
truncated or corrupt entry is reported as a miss, deleted and rebuilt, never loaded.

Location: `$ILO_AOT_CACHE`, else the user cache folder (`~/.cache/ilo-aot`,
`~/Library/Caches/ilo-aot`, `%LOCALAPPDATA%\\ilo-aot\\Cache`).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"ILOCACHE1\n"
_HEADER = struct.Struct("<32sQ")  # sha256 of body, body length
LAYOUT = "v1"
_fingerprint: str | None = None


def default_cache_dir() -> Path:
    """The cache folder: $ILO_AOT_CACHE, else the platform's user cache folder."""
    env = os.environ.get("ILO_AOT_CACHE")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "ilo-aot" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ilo-aot"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ilo-aot"


def compiler_fingerprint() -> str:
    """A hash of the compiler itself: ilo-aot's version, the Python code of the `ilo_aot`
    package and the llvmlite version (a changed compiler never reuses old entries)."""
    global _fingerprint
    if _fingerprint is None:
        from . import __version__

        h = hashlib.sha256(f"ilo-aot {__version__}\n".encode())
        root = Path(__file__).resolve().parent
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root).as_posix()).encode() + b"\0")
            h.update(path.read_bytes())
        # llvmlite's own version attribute: importlib.metadata costs tens of ms per process.
        try:
            import llvmlite

            h.update(f"llvmlite {llvmlite.__version__}".encode())
        except ImportError:  # AArch64-only use without llvmlite: part of the key anyway
            h.update(b"llvmlite none")
        _fingerprint = h.hexdigest()
    return _fingerprint


def make_key(*parts: str | bytes) -> str:
    """A hex key for the given parts (order matters; each part is length-prefixed)."""
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8") if isinstance(p, str) else p
        h.update(struct.pack("<Q", len(b)))
        h.update(b)
    return h.hexdigest()


@dataclass
class CacheInfo:
    path: Path
    entries: int
    size: int


class CompileCache:
    """A folder of cache entries (see the module docstring)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()

    def _path(self, key: str) -> Path:
        return self.root / LAYOUT / key[:2] / f"{key[2:]}.entry"

    def get(self, key: str) -> dict[str, bytes] | None:
        """The members stored under `key`, or None (missing, or corrupt: then removed)."""
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            return None
        members = _decode(blob)
        if members is None:
            try:
                path.unlink()
            except OSError:
                pass
        return members

    def put(self, key: str, members: dict[str, bytes]) -> None:
        """Store `members` under `key` atomically. A cache that cannot be written is skipped
        (a build never fails because of its cache)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(_encode(members))
                os.replace(tmp, path)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            return

    def info(self) -> CacheInfo:
        entries = size = 0
        base = self.root / LAYOUT
        if base.is_dir():
            for p in base.rglob("*.entry"):
                entries += 1
                size += p.stat().st_size
        return CacheInfo(self.root, entries, size)

    def clear(self) -> int:
        """Remove every entry; returns how many were removed."""
        removed = 0
        base = self.root / LAYOUT
        if not base.is_dir():
            return 0
        for p in sorted(base.rglob("*"), reverse=True):
            try:
                if p.is_dir():
                    p.rmdir()
                else:
                    if p.suffix == ".entry":
                        removed += 1
                    p.unlink()
            except OSError:
                pass
        return removed


def _encode(members: dict[str, bytes]) -> bytes:
    index = json.dumps({k: len(v) for k, v in members.items()}, sort_keys=True).encode()
    body = struct.pack("<Q", len(index)) + index + b"".join(members[k] for k in sorted(members))
    return MAGIC + _HEADER.pack(hashlib.sha256(body).digest(), len(body)) + body


def _decode(blob: bytes) -> dict[str, bytes] | None:
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + _HEADER.size:
        return None
    digest, length = _HEADER.unpack_from(blob, len(MAGIC))
    body = blob[len(MAGIC) + _HEADER.size :]
    if len(body) != length or hashlib.sha256(body).digest() != digest:
        return None
    try:
        (n,) = struct.unpack_from("<Q", body, 0)
        index = json.loads(body[8 : 8 + n])
        pos = 8 + n
        members = {}
        for name in sorted(index):
            size = int(index[name])
            members[name] = body[pos : pos + size]
            pos += size
    except (struct.error, ValueError, TypeError):
        return None
    return members if pos == len(body) else None
