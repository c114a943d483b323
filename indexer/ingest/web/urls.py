"""A page's URL as the key of its story: the same story under two URLs (AMP and canonical, a
tracking parameter, http and https, a trailing slash) has one key, and the key makes the
article's id, stable across reindexes.

Nothing here fetches anything: a URL is only text.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that say where a reader came from, not what they read.
_TRACKING_PREFIXES = ("utm_", "at_", "pk_")
_TRACKING = {"fbclid", "gclid", "dclid", "msclkid", "ref", "ref_src", "src", "cmp", "cmpid", "ito", "from",
             "amp", "amp_js_v", "usqp", "outputtype", "_gl", "igshid", "mc_cid", "mc_eid"}  # fmt: skip
_AMP_SEGMENTS = {"amp", "amp-news", "ampstory"}
MAX_URL_CHARS = 2048


def absolute(href: str, base: str) -> str:
    """``href`` resolved against the page's own URL ('' for anything but http(s))."""
    href = (href or "").strip()
    if not href:
        return ""
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL_CHARS:
        return ""
    return url


def story_key(url: str) -> str:
    """``host/path?query`` of a URL with what does not change the story taken away: the scheme,
    ``www.``, the port 80/443, a fragment, tracking parameters, an ``/amp`` path segment or an
    ``.amp`` suffix, a trailing slash or ``/index.html``. '' for a URL that is not http(s)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    if host.startswith("www."):
        host = host[4:]
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    segments = [s for s in parts.path.split("/") if s and s.lower() not in _AMP_SEGMENTS]
    if segments and segments[-1].lower() in ("index.html", "index.htm", "index.php"):
        segments.pop()
    if segments and segments[-1].lower().endswith(".amp"):
        segments[-1] = segments[-1][:-4]
    if segments and segments[-1].lower().endswith(".amp.html"):
        segments[-1] = segments[-1][: -len(".amp.html")] + ".html"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = "/".join(segments)
    key = f"{host}/{path}" if path else host
    return f"{key}?{urlencode(sorted(query))}" if query else key


def clean_url(url: str) -> str:
    """The URL as kept on the article: tracking parameters and the fragment dropped."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
