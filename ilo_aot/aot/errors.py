"""The one error type of AOT builds: a message a person can act on (never a traceback)."""

from __future__ import annotations


class AotError(Exception):
    """A build failed: `str(err)` is the whole message (ilo diagnostics with file, line:col
    and caret excerpt, or one line naming what is missing)."""
