"""Named points of a reindex where the crash tests kill it (tests/test_crash.py).

With KHABAR_CRASHPOINT=name, a reindex announces the point on stderr and waits there to be killed
with SIGKILL; the tests then check that the served index is whole and the next reindex works.
"""

from __future__ import annotations

import os
import sys
import time


def crashpoint(name: str) -> None:
    if os.environ.get("KHABAR_CRASHPOINT") == name:
        print(f"crashpoint {name}", file=sys.stderr, flush=True)
        time.sleep(60)
