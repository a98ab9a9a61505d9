"""Layout pre-pass (language.md §1.1) with a map back to source byte offsets.

The pass rewrites line breaks into `;`, spaces or declaration boundaries and drops comments.
Every output character remembers the byte offset of the source character it came from, so a
token found in the output maps back to the original file (diagnostics.md §3): its start is the
offset of its first character, its end the offset of the character that follows it in the
output.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Layout:
    """Pre-pass output. `offsets[i]` is the source byte offset of `text[i]`; one extra entry
    at the end holds the source length."""

    text: str
    offsets: list[int]


def _byte_offsets(src: str) -> list[int]:
    """Byte offset of every character of `src`, plus the total length at the end."""
    offsets = [0] * (len(src) + 1)
    pos = 0
    for i, ch in enumerate(src):
        offsets[i] = pos
        pos += len(ch.encode("utf-8", "surrogatepass")) if ord(ch) > 0x7F else 1
    offsets[len(src)] = pos
    return offsets


def _skip_string(src: str, i: int) -> int:
    """Index just past the text literal starting at `src[i] == '"'` (or the end of input)."""
    j = i + 1
    n = len(src)
    while j < n:
        ch = src[j]
        if ch == "\\":
            j += 2
            continue
        if ch == '"':
            return j + 1
        j += 1
    return n


def layout(src: str) -> Layout:
    """Apply the layout pre-pass to `src` (a no-op for sources without `\\n`)."""
    byte_at = _byte_offsets(src)
    if "\n" not in src:
        return Layout(src, byte_at)
    out: list[str] = []
    offs: list[int] = []
    n = len(src)
    depth = 0  # nesting of ( and [
    i = 0

    def emit(ch: str, at: int) -> None:
        out.append(ch)
        offs.append(byte_at[at])

    def last_non_blank() -> str:
        for ch in reversed(out):
            if ch not in " \t\n":
                return ch
        return ""

    while i < n:
        ch = src[i]
        if ch == '"':
            end = _skip_string(src, i)
            for k in range(i, end):
                emit(src[k], k)
            i = end
            continue
        if ch == "-" and i + 1 < n and src[i + 1] == "-":
            while i < n and src[i] != "\n":
                i += 1
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch != "\n":
            emit(ch, i)
            i += 1
            continue
        # A line break: look at the indentation of the next line.
        j = i + 1
        while j < n and src[j] in " \t":
            j += 1
        indented = j > i + 1
        if depth > 0:
            emit(" ", i)
            i = j
            continue
        if not indented and j < n and src[j] == "}":
            i = j  # rule 5: `\n}` at column 0 is deleted
            continue
        if indented:
            continuation = src[j:]
            if not (last_non_blank() == "{" or (out and out[-1] == ";") or continuation.startswith(">>")):
                emit(";", i)
            if continuation.startswith("}") and out and out[-1] == ";":
                out.pop()
                offs.pop()
            i = j
            continue
        emit("\n", i)
        i += 1
    offs.append(byte_at[n])
    return Layout("".join(out), offs)
