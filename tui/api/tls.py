"""The server's TLS certificate: the user's, or a self-signed one made once and reused.

The official Track clients only speak https. Without `--tls-cert`, a certificate for
`localhost`, `127.0.0.1` and `::1` is made in the data dir (key readable by its owner only); a
client trusts it by naming the certificate file (`REQUESTS_CA_BUNDLE=PATH` for Python).
"""

from __future__ import annotations

import ipaddress
import os
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

CERT_FILE = "api-cert.pem"
KEY_FILE = "api-key.pem"
VALID_DAYS = 825


class TlsError(Exception):
    """The certificate or key cannot be made or used: a sentence for `error: ...`."""


def default_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("switchboard", appauthor=False)


def self_signed(directory: Path) -> tuple[Path, Path]:
    """The (certificate, key) in `directory`, made on first use."""
    cert, key = directory / CERT_FILE, directory / KEY_FILE
    if cert.exists() and key.exists():
        return cert, key
    try:
        directory.mkdir(parents=True, exist_ok=True)
        cert_pem, key_pem = _make_pair()
        descriptor = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(key_pem)
        cert.write_bytes(cert_pem)
    except OSError as exc:
        raise TlsError(f"cannot write the self-signed certificate in {directory}: {exc.strerror}") from None
    return cert, key


def check_pair(cert: Path, key: Path) -> None:
    """Load the pair as the server will, so a bad file is an error before listening."""
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(cert, key)
    except FileNotFoundError as exc:
        raise TlsError(f"cannot read {exc.filename}: no such file") from None
    except PermissionError as exc:
        raise TlsError(f"cannot read {exc.filename}: permission denied") from None
    except (ssl.SSLError, OSError) as exc:
        raise TlsError(f"cannot use the certificate {cert} with the key {key}: {exc}") from None


def _make_pair() -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost (Switchboard Track API)")])
    now = datetime.now(UTC)
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=VALID_DAYS))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.IPAddress(ipaddress.ip_address("::1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem
