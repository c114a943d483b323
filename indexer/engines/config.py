"""Which engine serves an index, and how to reach it: from command-line options, else from the
environment, else the defaults (Whoosh in ``index/``).

    KHABAR_ENGINE               whoosh | opensearch
    KHABAR_OPENSEARCH_URL       http(s)://host:port, several separated by commas (one per node)
    KHABAR_OPENSEARCH_INDEX     the name of Khabar's index in the cluster (an alias), default khabar
    KHABAR_OPENSEARCH_USER, KHABAR_OPENSEARCH_PASSWORD (or KHABAR_OPENSEARCH_PASSWORD_FILE: a file
                                whose first line is the password)
    KHABAR_OPENSEARCH_CA        a CA file for TLS
    KHABAR_OPENSEARCH_AWS_REGION, KHABAR_OPENSEARCH_AWS_SERVICE
                                sign requests with AWS SigV4 (Amazon OpenSearch Service: service
                                ``es``, the default; OpenSearch Serverless: ``aoss``), with the
                                credentials botocore finds (the ``aws`` extra)
    KHABAR_OPENSEARCH_INSECURE  1: send credentials over plain http to a host not on this machine

Credentials are never printed: ``EngineConfig`` leaves them out of its repr and of ``where``.
They are never sent in clear text to another machine unless the user says so: a configuration
with credentials and an ``http://`` URL whose host is not loopback is refused before anything is
sent, and so is a list of nodes that mixes ``https://`` and ``http://``.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENGINES = ("whoosh", "opensearch")
DEFAULT_INDEX_DIR = Path("index")
DEFAULT_OPENSEARCH_URL = "http://127.0.0.1:9200"
DEFAULT_OPENSEARCH_INDEX = "khabar"
_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9_.+-]{0,200}$")
AWS_SERVICES = ("es", "aoss")
# Elasticsearch's API keys (an "Authorization: ApiKey" header) are not OpenSearch's: its security
# plugin has none. What it offers is users with passwords (or client certificates, or an
# identity provider's tokens, set up on the cluster), and Amazon's managed service signs requests.
NO_API_KEYS = (
    "OpenSearch has no API keys (they are Elasticsearch's; the option is gone): use a user and a "
    "password (KHABAR_OPENSEARCH_USER with KHABAR_OPENSEARCH_PASSWORD_FILE), or on Amazon OpenSearch "
    "Service AWS SigV4 signing (KHABAR_OPENSEARCH_AWS_REGION); docs/scaling.md says how"
)


@dataclass(frozen=True)
class EngineConfig:
    engine: str = "whoosh"
    index_dir: Path = DEFAULT_INDEX_DIR
    opensearch_urls: tuple[str, ...] = (DEFAULT_OPENSEARCH_URL,)
    opensearch_index: str = DEFAULT_OPENSEARCH_INDEX
    user: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None
    aws_region: str | None = None  # sign requests with AWS SigV4 for this region
    aws_service: str = "es"
    shards: int = 3
    replicas: int = 1
    insecure: bool = False  # credentials over plain http to another machine, knowingly

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"unknown engine {self.engine!r}; use one of {', '.join(ENGINES)}")
        if not _INDEX_NAME.match(self.opensearch_index):
            raise ValueError(
                f"{self.opensearch_index!r} is not a usable OpenSearch index name "
                "(lower-case letters, digits and - _ . +, not starting with - _ +)"
            )
        for url in self.opensearch_urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{redact(url)!r} is not an http(s) URL")
        schemes = {urlsplit(u).scheme for u in self.opensearch_urls}
        if self.engine == "opensearch" and len(schemes) > 1:
            raise ValueError(
                "the OpenSearch URLs mix https:// and http:// ("
                + ", ".join(redact(u) for u in self.opensearch_urls)
                + "): give every node the same scheme"
            )
        credentials = (
            self.user
            or self.password
            or self.aws_region
            or any(urlsplit(u).username or urlsplit(u).password for u in self.opensearch_urls)
        )
        if self.engine == "opensearch" and credentials and schemes == {"http"} and not self.insecure:
            remote = [u for u in self.opensearch_urls if not is_loopback(urlsplit(u).hostname or "")]
            if remote:
                raise ValueError(
                    f"refusing to send OpenSearch credentials in clear text to {redact(remote[0])}: use "
                    "https://, or --opensearch-insecure (KHABAR_OPENSEARCH_INSECURE=1) to send them anyway"
                )
        if self.aws_service not in AWS_SERVICES:
            raise ValueError(
                f"AWS service {self.aws_service!r}: use es (OpenSearch Service) or aoss (Serverless)"
            )
        if self.aws_region and self.user:
            raise ValueError("give either a user and password or AWS SigV4 signing, not both")
        if self.shards < 1 or self.replicas < 0:
            raise ValueError("shards must be 1 or more and replicas 0 or more")

    @property
    def where(self) -> str:
        """Where the index is, for messages (no credentials)."""
        if self.engine == "whoosh":
            return str(self.index_dir)
        return f"{redact(self.opensearch_urls[0])} (index {self.opensearch_index})"


def redact(url: str) -> str:
    """``url`` without a user name or password in it (an IPv6 host keeps its brackets)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine: localhost, 127.0.0.0/8 or ::1 (never looked up)."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def from_options(
    engine: str | None = None,
    index_dir: Path | None = None,
    opensearch_url: str | None = None,
    opensearch_index: str | None = None,
    user: str | None = None,
    password: str | None = None,
    api_key: str | None = None,
    ca_file: Path | None = None,
    aws_region: str | None = None,
    aws_service: str | None = None,
    shards: int | None = None,
    replicas: int | None = None,
    insecure: bool | None = None,
    environ: Mapping[str, str] | None = None,
) -> EngineConfig:
    """Options given win over the environment, which wins over the defaults."""
    env = os.environ if environ is None else environ
    if api_key or env.get("KHABAR_OPENSEARCH_API_KEY"):
        raise ValueError(NO_API_KEYS)
    urls = opensearch_url or env.get("KHABAR_OPENSEARCH_URL") or DEFAULT_OPENSEARCH_URL
    ca = ca_file or (Path(env["KHABAR_OPENSEARCH_CA"]) if env.get("KHABAR_OPENSEARCH_CA") else None)
    return EngineConfig(
        engine=(engine or env.get("KHABAR_ENGINE") or "whoosh").strip().lower(),
        index_dir=index_dir or Path(env.get("KHABAR_INDEX") or DEFAULT_INDEX_DIR),
        opensearch_urls=tuple(u.strip().rstrip("/") for u in urls.split(",") if u.strip()),
        opensearch_index=(opensearch_index or env.get("KHABAR_OPENSEARCH_INDEX") or DEFAULT_OPENSEARCH_INDEX),
        user=user or env.get("KHABAR_OPENSEARCH_USER") or None,
        password=password or env.get("KHABAR_OPENSEARCH_PASSWORD") or _password_file(env) or None,
        ca_file=ca,
        aws_region=aws_region or env.get("KHABAR_OPENSEARCH_AWS_REGION") or None,
        aws_service=aws_service or env.get("KHABAR_OPENSEARCH_AWS_SERVICE") or "es",
        shards=shards if shards is not None else 3,
        replicas=replicas if replicas is not None else 1,
        insecure=insecure
        or env.get("KHABAR_OPENSEARCH_INSECURE", "").strip().lower() in ("1", "true", "yes"),
    )


def _password_file(env: Mapping[str, str]) -> str | None:
    """The password in the file ``KHABAR_OPENSEARCH_PASSWORD_FILE`` names (its first line), so
    that it is neither in the process list nor in the environment of every child process."""
    name = env.get("KHABAR_OPENSEARCH_PASSWORD_FILE", "").strip()
    if not name:
        return None
    try:
        text = Path(name).expanduser().read_text(encoding="utf-8")
    except OSError as e:
        raise ValueError(f"KHABAR_OPENSEARCH_PASSWORD_FILE: cannot read {name} ({e.strerror})") from None
    first = text.splitlines()[0].strip() if text.strip() else ""
    if not first:
        raise ValueError(f"KHABAR_OPENSEARCH_PASSWORD_FILE: {name} is empty")
    return first
