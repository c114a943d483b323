"""Whether search by meaning runs: on wherever the model loads, unless turned off.

``--no-semantic`` (reindex, search, serve, eval, bench) or ``KHABAR_SEMANTIC=0`` turns it off.
Where the model cannot load (no wheel for this machine, another CPU), lexical search works as
before and every answer says that search by meaning is off, and why.
"""

from __future__ import annotations

import os
import threading

from indexer.meaning.encoder import Encoder, ModelUnavailable, load_encoder

OFF_VALUES = ("0", "false", "no", "off")
_lock = threading.Lock()
_loaded: dict[str, Encoder | str] = {}


def wanted(flag: bool | None = None) -> bool:
    """The command line's choice when given, else the environment's (on by default)."""
    if flag is not None:
        return flag
    return os.environ.get("KHABAR_SEMANTIC", "1").strip().lower() not in OFF_VALUES


def encoder(flag: bool | None = None) -> tuple[Encoder | None, str | None]:
    """The process's encoder, or None and why search by meaning is off (loaded once)."""
    if not wanted(flag):
        return None, "turned off (--no-semantic or KHABAR_SEMANTIC=0)"
    with _lock:
        found = _loaded.get("e5")
        if found is None:
            try:
                found = load_encoder()
            except ModelUnavailable as e:
                found = f"the model could not be loaded: {e}"
            _loaded["e5"] = found
    if isinstance(found, str):
        return None, found
    return found, None
