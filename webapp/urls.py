"""URLs of states: the whole search state lives in the query string, so every state is a link."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote_plus

from werkzeug.datastructures import MultiDict

# Parameters that describe the result set; changing one of them starts again at page 1.
_PAGE_RESET = ("page",)


def encode(path: str, pairs: list[tuple[str, str]]) -> str:
    """``path?`` and ``pairs`` as ``urlencode`` writes them (empty values left out). A page holds
    a hundred links that repeat the same few names and values: each is quoted once."""
    parts = [f"{_quoted(k)}={_quoted(v)}" for k, v in pairs if v != ""]
    return f"{path}?{'&'.join(parts)}" if parts else path


def _quoted(s: str) -> str:
    return _quoted_short(s) if len(s) <= 600 else quote_plus(s)


@lru_cache(maxsize=4096)
def _quoted_short(s: str) -> str:
    return quote_plus(s)


def with_params(path: str, args: MultiDict, **changes: str | None) -> str:
    """The URL of ``args`` with some parameters replaced (None removes them)."""
    pairs = [(k, v) for k, v in args.items(multi=True) if k not in changes]
    pairs += [(k, v) for k, v in changes.items() if v is not None]
    return encode(path, pairs)


def with_values(path: str, args: MultiDict, name: str, values: list[str]) -> str:
    """The URL of ``args`` with the repeatable parameter ``name`` holding ``values``; page 1."""
    pairs = [(k, v) for k, v in args.items(multi=True) if k != name and k not in _PAGE_RESET]
    return encode(path, pairs + [(name, v) for v in values])


def toggle(path: str, args: MultiDict, name: str, value: str) -> str:
    """The URL with ``name=value`` added if absent, removed if present; back to page 1."""
    pairs = [(k, v) for k, v in args.items(multi=True) if k not in _PAGE_RESET]
    if (name, value) in pairs:
        pairs.remove((name, value))
        if name == "year":  # months of a year no longer selected cannot stay selected
            pairs = [(k, v) for k, v in pairs if not (k == "month" and v.startswith(value + "-"))]
    else:
        pairs.append((name, value))
    return encode(path, pairs)


def without(path: str, args: MultiDict, names: tuple[str, ...]) -> str:
    return encode(
        path, [(k, v) for k, v in args.items(multi=True) if k not in names and k not in _PAGE_RESET]
    )
