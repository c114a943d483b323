"""Parse publication dates written in ISO form."""

from __future__ import annotations

import re
from datetime import datetime

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str) -> datetime:
    """Parse ``2021-04-20``, ``2021-04-20T10:00:00+05:30``, ``2021-04-20 10:00`` or ``...Z``.

    Raises ValueError with a readable message otherwise.
    """
    s = text.strip()
    if not s:
        raise ValueError("empty date")
    try:
        if _DATE_ONLY.match(s):
            return datetime.strptime(s, "%Y-%m-%d")
        return datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
    except ValueError:
        raise ValueError(f"date {text.strip()!r} is not in ISO form (YYYY-MM-DD)") from None
