"""wss:// with a private CA and a handshake token, against the Jetty server (the reference server has neither)."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from rpcws_client import Client, NotConnectedError
from support import JETTY_JAR, Process, Recorder, free_port

PASSWORD = "changeit"
READY = r"listening ws=(?P<ws>\d+) admin=(?P<admin>-?\d+) wss=(?P<wss>\d+)"


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away CA and a server certificate for 127.0.0.1, made now (no key is committed)."""
    d = tmp_path_factory.mktemp("tls")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=rpcws test CA", "-keyout", "ca.key", "-out", "ca.pem", cwd=d)
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr", cwd=d)
    (d / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "san.ext", "-out", "server.pem", cwd=d)
    openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-certfile", "ca.pem",
            "-passout", f"pass:{PASSWORD}", "-out", "server.p12", cwd=d)
    return d


class SecureJetty:
    """The Jetty jar with a wss:// connector on a fixed port and the token s3cret (counted as a login)."""

    def __init__(self, certs: Path, log_dir: Path) -> None:
        self.certs, self.log_dir, self.port = certs, log_dir, free_port()
        self.process = self._start()

    def _start(self) -> Process:
        if not JETTY_JAR.exists():
            pytest.fail(f"Jetty server jar not found at {JETTY_JAR}: ./mvnw -q -B -DskipTests package -pl server -am")
        command = ["java", "-jar", str(JETTY_JAR), "--port", "0", "--admin-port", "0", "--fixture", "compat",
                   "--tls-port", str(self.port), "--tls-keystore", str(self.certs / "server.p12"),
                   "--tls-keystore-password", PASSWORD, "--token", "s3cret=alice", "--token-logs-in"]
        return Process("jetty-tls", command, READY, self.log_dir)

    def url(self) -> str:
        return f"wss://127.0.0.1:{self.port}/"

    def restart(self) -> None:
        self.process.kill()
        self.process = self._start()


@pytest.fixture
def secure_jetty(certificates: Path, log_dir: Path) -> Iterator[SecureJetty]:
    server = SecureJetty(certificates, log_dir)
    yield server
    server.process.stop()


def trusting(certs: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certs / "ca.pem"))


async def test_the_token_travels_over_tls_on_every_connect(secure_jetty: SecureJetty, certificates: Path) -> None:
    client = Client(secure_jetty.url(), ssl=trusting(certificates), headers={"Authorization": "Bearer s3cret"},
                    reconnect_interval=0.1, max_reconnects=0, ping_interval=0, call_timeout=5)
    recorder = Recorder(client)
    async with client:
        assert await client.call("cryptic") == "boohoo"  # the token counts as a login on this server
        secure_jetty.restart()
        await recorder.wait("reconnected", timeout=15)
        assert await client.call("cryptic") == "boohoo"  # so the token was sent again


async def test_a_missing_token_is_refused_with_401(secure_jetty: SecureJetty, certificates: Path) -> None:
    client = Client(secure_jetty.url(), ssl=trusting(certificates), reconnect=False, ping_interval=0)
    with pytest.raises(NotConnectedError, match="401"):
        await client.connect()


async def test_an_untrusted_certificate_is_refused(secure_jetty: SecureJetty) -> None:
    client = Client(secure_jetty.url(), ssl=ssl.create_default_context(), headers={"Authorization": "Bearer s3cret"},
                    reconnect=False, ping_interval=0)
    with pytest.raises(NotConnectedError):
        await client.connect()
