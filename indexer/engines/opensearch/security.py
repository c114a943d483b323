"""A secured local cluster: certificates, users and roles made here, for `khabar cluster start
--secure` (``localcluster``).

What a production cluster has, made fresh for each new cluster and kept in its state folder:

- a root CA of its own and, signed by it, a node certificate (``CN=node,O=khabar``, valid for
  ``127.0.0.1`` and ``localhost``: TLS on HTTP and between nodes) and an administrator's client
  certificate (``CN=admin,O=khabar``, which alone may change the security index). Nothing is
  copied from the plugin's demo certificates;
- three users with random passwords: ``admin`` (everything), ``writer`` (create, fill, alias
  and delete the indexes under Khabar's index name, and nothing else) and ``reader`` (search and
  read those indexes). The passwords are only in ``credentials.json`` (mode 0600) in the state
  folder; the cluster keeps bcrypt hashes of them.

The roles are ``khabar_writer`` and ``khabar_reader`` (``roles()``): docs/scaling.md prints them,
for a cluster run by someone else, and the tests check each permission against the real
security plugin.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CA, NODE, ADMIN = "ca", "node", "admin"
CREDENTIALS = "credentials.json"
USERS = ("admin", "writer", "reader")
PASSWORD_BYTES = 24
BCRYPT_COST = 12
VALID_DAYS = 825
_O = "khabar"
DEFAULT_INDEX = "khabar"

# What Khabar's writer does to its indexes: create a generation and its companions, fill them
# (bulk), refresh, flush and merge them, read them back (to carry an incremental reindex over),
# point the aliases at them, delete old generations, and hold its lock document.
WRITER_INDEX_ACTIONS = [
    "indices_all",
]
WRITER_CLUSTER_ACTIONS = [
    "cluster_monitor",
    "cluster_composite_ops",
    "indices:admin/aliases",  # an alias swap is one request over several indexes
    "indices:data/read/scroll*",
]
READER_INDEX_ACTIONS = [
    "read",
    "indices:admin/mappings/get",  # the generation's analysis and model, in its mapping's _meta
    "indices:admin/aliases/get",  # which generation the alias names
    "indices:admin/get",
    "indices:monitor/stats",
    "indices:monitor/settings/get",
    "indices:admin/shards/search_shards",  # which shards hold the generation (a search by meaning)
]
READER_CLUSTER_ACTIONS = [
    "cluster_composite_ops_ro",  # multi-get and multi-search
    "cluster:monitor/health",
    "cluster:monitor/state",
    "cluster:monitor/main",
    "indices:data/read/scroll*",
]


def index_patterns(index: str) -> list[str]:
    """Khabar's indexes under the name ``index``: the alias, its generations and companions
    (``index-gNNNNNN``, ``-vocab``, ``-words``, ``-files``, their aliases) and its lock."""
    return [index, f"{index}-*"]


def roles(index: str = DEFAULT_INDEX) -> dict[str, Any]:
    """The two roles Khabar needs, as the security plugin's roles.yml (and its REST API) takes them."""
    return {
        "khabar_writer": {
            "description": f"Khabar's reindex: its own indexes ({index}, {index}-*) and nothing else",
            "cluster_permissions": WRITER_CLUSTER_ACTIONS,
            "index_permissions": [
                {"index_patterns": index_patterns(index), "allowed_actions": WRITER_INDEX_ACTIONS}
            ],
        },
        "khabar_reader": {
            "description": f"Khabar's search, export and eval: read its own indexes ({index}, {index}-*)",
            "cluster_permissions": READER_CLUSTER_ACTIONS,
            "index_permissions": [
                {"index_patterns": index_patterns(index), "allowed_actions": READER_INDEX_ACTIONS}
            ],
        },
    }


@dataclass
class Paths:
    folder: Path

    def cert(self, name: str) -> Path:
        return self.folder / f"{name}.pem"

    def key(self, name: str) -> Path:
        return self.folder / f"{name}-key.pem"

    @property
    def credentials(self) -> Path:
        return self.folder.parent / CREDENTIALS


def _name(common: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    # The most significant part first, as X.500 has it: its RFC 2253 string, which the security
    # plugin compares with nodes_dn and admin_dn, is then CN=…,O=… (``distinguished``).
    return x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, _O), x509.NameAttribute(NameOID.COMMON_NAME, common)]
    )


def distinguished(common: str) -> str:
    """The DN OpenSearch prints for a certificate made here (RFC 2253 order)."""
    return f"CN={common},O={_O}"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def make_certificates(
    folder: Path, days: int = VALID_DAYS, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
) -> Paths:
    """A root CA, a node certificate for ``hosts`` and an admin client certificate (RSA 2048,
    keys in PKCS#8 as the security plugin reads them), in ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID

    folder.mkdir(parents=True, exist_ok=True)
    paths = Paths(folder)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)

    def key() -> Any:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def save(name: str, cert: Any, private: Any) -> None:
        paths.cert(name).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _write_private(paths.key(name), pem)

    def builder(subject: Any, public: Any, ca: bool) -> Any:
        """What the CA and each leaf certificate share: issuer, validity, basic constraints."""
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_name)
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )

    ca_key = key()
    ca_name = _name("khabar-local-ca")
    ca = (
        builder(ca_name, ca_key.public_key(), ca=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    save(CA, ca, ca_key)

    def leaf(common: str, server: bool) -> None:
        k = key()
        cert = (
            builder(_name(common), k.public_key(), ca=False)
            .add_extension(
                x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                    if server
                    else [ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
            )
        )
        if server:
            names: list[Any] = []
            for h in hosts:
                try:
                    names.append(x509.IPAddress(ipaddress.ip_address(h)))
                except ValueError:
                    names.append(x509.DNSName(h))
            cert = cert.add_extension(x509.SubjectAlternativeName(names), critical=False)
        save(common, cert.sign(ca_key, hashes.SHA256()), k)

    leaf(NODE, server=True)
    leaf(ADMIN, server=False)
    return paths


def make_credentials(path: Path) -> dict[str, dict[str, str]]:
    """Random passwords for the three users, written to ``path`` (mode 0600)."""
    creds = {u: {"user": u, "password": secrets.token_urlsafe(PASSWORD_BYTES)} for u in USERS}
    _write_private(path, (json.dumps(creds, indent=2) + "\n").encode())
    return creds


def read_credentials(path: Path) -> dict[str, dict[str, str]]:
    return json.loads(path.read_text(encoding="utf-8"))


def _yaml(obj: Any) -> str:
    # JSON is YAML; the security plugin reads these files with a YAML parser.
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


def write_security_config(
    folder: Path, credentials: dict[str, dict[str, str]], index: str = DEFAULT_INDEX
) -> None:
    """The node's ``opensearch-security`` folder: the files the plugin loads into its security
    index when the cluster first starts (``allow_default_init_securityindex``)."""
    import bcrypt

    folder.mkdir(parents=True, exist_ok=True)

    def meta(kind: str) -> dict[str, Any]:
        return {"_meta": {"type": kind, "config_version": 2}}

    def hashed(user: str) -> str:
        return bcrypt.hashpw(credentials[user]["password"].encode(), bcrypt.gensalt(BCRYPT_COST)).decode()

    files: dict[str, dict[str, Any]] = {
        "config.yml": {
            **meta("config"),
            "config": {
                "dynamic": {
                    "http": {"anonymous_auth_enabled": False},
                    "authc": {
                        "basic_internal_auth_domain": {
                            "description": "HTTP Basic against the internal users",
                            "http_enabled": True,
                            "transport_enabled": True,
                            "order": 0,
                            "http_authenticator": {"type": "basic", "challenge": True},
                            "authentication_backend": {"type": "intern"},
                        }
                    },
                    "authz": {},
                }
            },
        },
        "internal_users.yml": {
            **meta("internalusers"),
            "admin": {"hash": hashed("admin"), "reserved": True, "description": "Khabar's administrator"},
            "writer": {"hash": hashed("writer"), "reserved": False, "description": "Khabar's reindex"},
            "reader": {"hash": hashed("reader"), "reserved": False, "description": "Khabar's search"},
        },
        "roles.yml": {**meta("roles"), **roles(index)},
        "roles_mapping.yml": {
            **meta("rolesmapping"),
            "all_access": {"reserved": True, "users": ["admin"]},
            "khabar_writer": {"users": ["writer"]},
            "khabar_reader": {"users": ["reader"]},
        },
        "action_groups.yml": meta("actiongroups"),
        "tenants.yml": meta("tenants"),
        "nodes_dn.yml": meta("nodesdn"),
        "allowlist.yml": {**meta("allowlist"), "config": {"enabled": False}},
        "audit.yml": {**meta("audit"), "config": {"enabled": False}},
    }
    for name, body in files.items():
        (folder / name).write_text(_yaml(body), encoding="utf-8")


def node_settings(paths: Paths, node_config: Path) -> dict[str, Any]:
    """The TLS and security settings of a node's opensearch.yml; the certificates are copied
    into its config folder (the plugin reads them relative to it)."""
    for name in (CA, NODE, ADMIN):
        shutil.copyfile(paths.cert(name), node_config / paths.cert(name).name)
    shutil.copyfile(paths.key(NODE), node_config / paths.key(NODE).name)
    os.chmod(node_config / paths.key(NODE).name, 0o600)
    pem = {
        "pemcert_filepath": f"{NODE}.pem",
        "pemkey_filepath": f"{NODE}-key.pem",
        "pemtrustedcas_filepath": f"{CA}.pem",
    }
    settings: dict[str, Any] = {}
    for layer in ("transport", "http"):
        for k, v in pem.items():
            settings[f"plugins.security.ssl.{layer}.{k}"] = v
    settings.update(
        {
            "plugins.security.ssl.http.enabled": True,
            "plugins.security.ssl.transport.enforce_hostname_verification": False,
            "plugins.security.allow_default_init_securityindex": True,
            "plugins.security.authcz.admin_dn": [distinguished(ADMIN)],
            "plugins.security.nodes_dn": [distinguished(NODE)],
            "plugins.security.audit.type": "noop",
            "plugins.security.restapi.roles_enabled": ["all_access"],
            "plugins.security.system_indices.enabled": True,
            "plugins.security.check_snapshot_restore_write_privileges": True,
        }
    )
    return settings
