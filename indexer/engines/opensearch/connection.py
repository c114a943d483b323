"""A client for the configured cluster, and its failures as messages a reader can act on.

The client knows every node given (``KHABAR_OPENSEARCH_URL`` with commas): a request to a node
that does not answer is retried on another, so a node lost mid-search costs no answer once the
replicas have taken over. Credentials go to the client only; messages name the cluster by its
URL without them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from opensearchpy import OpenSearch
from opensearchpy import exceptions as osx

from indexer.engines.base import IndexUnavailable
from indexer.engines.config import EngineConfig, redact

T = TypeVar("T")
TIMEOUT_S = 30


def make_client(config: EngineConfig) -> OpenSearch:
    kwargs: dict[str, Any] = {
        "hosts": list(config.opensearch_urls),
        "timeout": TIMEOUT_S,
        "max_retries": 3,
        "retry_on_timeout": True,
        "retry_on_status": (502, 503, 504),
        "http_compress": False,
    }
    if config.user:
        kwargs["http_auth"] = (config.user, config.password or "")
    if config.aws_region:
        kwargs["http_auth"] = aws_signer(config)
    if any(u.startswith("https:") for u in config.opensearch_urls):
        kwargs["use_ssl"] = True
        kwargs["verify_certs"] = True
        if config.ca_file:
            kwargs["ca_certs"] = str(config.ca_file)
    return OpenSearch(**kwargs)


def aws_signer(config: EngineConfig) -> Any:
    """SigV4 signing (Amazon OpenSearch Service, Serverless) with the credentials botocore finds
    (the environment, ~/.aws, a role), from the ``aws`` extra: pip install 'khabar[aws]'."""
    try:
        import botocore.session
        from opensearchpy import Urllib3AWSV4SignerAuth
    except ImportError:
        raise IndexUnavailable(
            "AWS SigV4 signing needs botocore: pip install 'khabar[aws]' (or botocore)"
        ) from None
    credentials = botocore.session.Session().get_credentials()
    if credentials is None:
        raise IndexUnavailable(
            "AWS SigV4 signing was asked for (KHABAR_OPENSEARCH_AWS_REGION) but botocore finds no AWS "
            "credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, or a role)"
        )
    return Urllib3AWSV4SignerAuth(credentials, config.aws_region, config.aws_service)


class Connection:
    """One client per process (a forked server worker makes its own)."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._client: OpenSearch | None = None
        self._pid = -1

    @property
    def client(self) -> OpenSearch:
        if self._client is None or self._pid != os.getpid():
            self._client, self._pid = make_client(self.config), os.getpid()
        return self._client

    def call(self, what: Callable[[OpenSearch], T]) -> T:
        with explained(self.config):
            return what(self.client)


def _where(config: EngineConfig) -> str:
    return ", ".join(redact(u) for u in config.opensearch_urls)


@contextmanager
def explained(config: EngineConfig) -> Iterator[None]:
    """OpenSearch's failures as IndexUnavailable with what to do (never a traceback)."""
    where = _where(config)
    try:
        yield
    except osx.AuthenticationException:
        raise IndexUnavailable(
            f"the OpenSearch cluster at {where} refused the credentials (401): check the user and the "
            "password (KHABAR_OPENSEARCH_USER, KHABAR_OPENSEARCH_PASSWORD or KHABAR_OPENSEARCH_PASSWORD_FILE)"
        ) from None
    except osx.AuthorizationException as e:
        raise IndexUnavailable(
            f"the OpenSearch cluster at {where} does not allow this user to do that (403: {_reason(e)})"
        ) from None
    except osx.SSLError as e:
        raise IndexUnavailable(tls_problem(config, where, _reason(e))) from None
    except (osx.ConnectionError, osx.ConnectionTimeout) as e:
        if _is_tls(str(e)):
            raise IndexUnavailable(tls_problem(config, where, _reason(e))) from None
        raise IndexUnavailable(
            f"cannot reach the OpenSearch cluster at {where} ({_reason(e)}); is it running? "
            "`khabar cluster start` starts a local one"
        ) from None
    except osx.TransportError as e:
        if e.status_code in (502, 503, 504) or (isinstance(e.status_code, int) and e.status_code >= 500):
            raise IndexUnavailable(
                f"the OpenSearch cluster at {where} cannot answer now ({e.status_code}: {_reason(e)})"
            ) from None
        raise


def _is_tls(text: str) -> bool:
    return any(k in text for k in ("SSL", "CERTIFICATE", "certificate", "TLS"))


def tls_problem(config: EngineConfig, where: str, reason: str) -> str:
    """A TLS failure, said as what to change: which certificate, which host, which CA file."""
    ca = (
        f"the CA in {config.ca_file}"
        if config.ca_file
        else "the CAs this machine trusts (no --opensearch-ca given)"
    )
    low = reason.lower()
    if "hostname mismatch" in low or "doesn't match" in low or "not valid for" in low:
        return (
            f"the certificate of the OpenSearch cluster at {where} is not for that host name ({reason}): "
            "use a name or address the certificate names"
        )
    if "expired" in low:
        return (
            f"a certificate has expired on the way to the OpenSearch cluster at {where} (its own, or "
            f"{ca}): {reason}"
        )
    if (
        "unable to get local issuer" in low
        or "self signed" in low
        or "self-signed" in low
        or "verify failed" in low
    ):
        return (
            f"the certificate of the OpenSearch cluster at {where} is not signed by {ca}: give the "
            f"cluster's CA with --opensearch-ca (KHABAR_OPENSEARCH_CA) ({reason})"
        )
    if "no such file" in low or "could not find a suitable tls ca" in low or "invalid path" in low:
        return f"the CA file {config.ca_file} cannot be read: {reason}"
    return f"TLS with the OpenSearch cluster at {where} failed: {reason}"


def _reason(e: Exception) -> str:
    info = getattr(e, "info", None)
    if isinstance(info, dict):
        err = info.get("error")
        if isinstance(err, dict):
            return str(err.get("reason") or err.get("type") or err)[:200]
        if err:
            return str(err)[:200]
    err = getattr(e, "error", None)
    text = str(err or e)
    return text.split("'", 2)[1] if text.count("'") >= 2 and "Connection" in text else text[:200]
