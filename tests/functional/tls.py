"""A private CA made in the test: a CA, a server certificate for 127.0.0.1 and a client one.

Built with ``cryptography`` (installed with openstacksdk), written as PEM files.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class PKIFiles:
    """PEM paths: ``ca``, ``server_cert``/``server_key``, ``client_cert``/``client_key``."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _issue(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    usage: x509.ObjectIdentifier | None,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    issuer_name, issuer_key = issuer or (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
    )
    if issuer is None:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    if usage == ExtendedKeyUsageOID.SERVER_AUTH:
        names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def make_pki(directory: Path) -> PKIFiles:
    """:returns: a fresh CA with a server and a client certificate, written to ``directory``."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _issue("apistack test CA", ca_key, None, None)
    paths = PKIFiles(*(directory / name for name in (
        "ca.pem", "server.pem", "server.key", "client.pem", "client.key")))  # fmt: skip
    paths.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for who, cert_path, key_path, usage in (
        ("127.0.0.1", paths.server_cert, paths.server_key, ExtendedKeyUsageOID.SERVER_AUTH),
        ("apistack test client", paths.client_cert, paths.client_key,
         ExtendedKeyUsageOID.CLIENT_AUTH),
    ):  # fmt: skip
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _issue(who, key, (ca.subject, ca_key), usage)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, key_path)
    return paths
