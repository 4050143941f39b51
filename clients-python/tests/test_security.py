"""wss:// with a private CA and a handshake token, against the Jetty server (the reference server has neither),
and the blocking client's TLS socket shared by its threads (rpcws_client.tls)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import select
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from rpcws_client import Client, NotConnectedError
from rpcws_client import sync
from rpcws_client.tls import SerializedTLSSocket
from support import JETTY_JAR, Process, Recorder, free_port, wait_until

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


# ---- the blocking client's TLS socket, shared by its reading thread and the threads that write ----


def arrives(check: Callable[[], Any], timeout: float) -> bool:
    try:
        wait_until(check, timeout)
        return True
    except AssertionError:
        return False


class OpenSSLCalls:
    """Counts, per TLS socket, the threads inside OpenSSL at once, by wrapping ``ssl.SSLSocket.recv`` and
    ``send`` (where every read and write of ``websockets.sync`` ends, guarded or not).

    The first write of each socket is held back until the server's TLS 1.3 session tickets are in, then
    for up to half a second until a reader is inside ``recv``: the moment where the blocking client's
    reader, blocked in ``SSL_read`` after the tickets, met the opening handshake request's ``SSL_write``.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.lock = threading.Lock()
        self.inside: dict[int, int] = {}
        self.written: set[int] = set()
        self.most_at_once = 0
        self.versions: set[str | None] = set()
        self.tickets_before_first_write: list[bool] = []
        recv, send = ssl.SSLSocket.recv, ssl.SSLSocket.send

        def watched_recv(sock: ssl.SSLSocket, *args: Any) -> bytes:
            with self.within(sock):
                return recv(sock, *args)

        def watched_send(sock: ssl.SSLSocket, *args: Any) -> int:
            if id(sock) not in self.written:
                self.written.add(id(sock))
                self.hold_first_write(sock)
            with self.within(sock):
                return send(sock, *args)

        monkeypatch.setattr(ssl.SSLSocket, "recv", watched_recv)
        monkeypatch.setattr(ssl.SSLSocket, "send", watched_send)

    @contextlib.contextmanager
    def within(self, sock: ssl.SSLSocket) -> Iterator[None]:
        with self.lock:
            self.inside[id(sock)] = now = self.inside.get(id(sock), 0) + 1
            self.most_at_once = max(self.most_at_once, now)
        try:
            yield
        finally:
            with self.lock:
                self.inside[id(sock)] -= 1

    def readers(self, sock: ssl.SSLSocket) -> int:
        with self.lock:
            return self.inside.get(id(sock), 0)

    def hold_first_write(self, sock: ssl.SSLSocket) -> None:
        self.versions.add(sock.version())
        # The tickets are in: still unread, being read, or read already.
        self.tickets_before_first_write.append(arrives(
            lambda: select.select([sock], [], [], 0)[0] or self.readers(sock) or sock.session.has_ticket, 2.0))
        arrives(lambda: self.readers(sock), 0.5)


def test_the_blocking_client_never_enters_openssl_from_two_threads_at_once(
    secure_jetty: SecureJetty, certificates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = OpenSSLCalls(monkeypatch)
    with sync.Client(secure_jetty.url(), ssl=trusting(certificates), headers={"Authorization": "Bearer s3cret"},
                     reconnect=False, ping_interval=0, call_timeout=10, open_timeout=10) as client:
        assert client.call("cryptic") == "boohoo"
        large = "x" * 300_000  # many TLS records each way: reads that stop inside a record, writes that wait
        assert client.call("echo", [large]) == [large]
    assert calls.versions == {"TLSv1.3"}
    assert calls.tickets_before_first_write == [True]
    assert calls.most_at_once == 1


def tls_pair(certs: Path) -> tuple[ssl.SSLSocket, ssl.SSLSocket]:
    """A client and a server TLS 1.3 socket connected to each other."""
    near, far = socket.socketpair()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(certs / "server.pem", certs / "server.key")
    with ThreadPoolExecutor(1) as pool:
        server = pool.submit(server_context.wrap_socket, far, server_side=True)
        client = trusting(certs).wrap_socket(near, server_hostname="localhost")
        return client, server.result(timeout=10)


def test_a_close_ends_a_read_that_waits_for_data(certificates: Path) -> None:
    client, server = tls_pair(certificates)
    guarded = SerializedTLSSocket(client)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            guarded.recv(1024)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(0.3)
    assert reader.is_alive()  # waiting: nothing was sent
    guarded.close()
    reader.join(2)
    alive = reader.is_alive()
    server.close()  # ends the read also when the close did not
    assert not alive
    assert len(outcome) == 1 and isinstance(outcome[0], OSError)


def test_a_write_to_a_peer_that_reads_nothing_times_out(certificates: Path) -> None:
    client, server = tls_pair(certificates)
    guarded = SerializedTLSSocket(client)
    guarded.settimeout(0.5)
    with ThreadPoolExecutor(1) as pool:
        write = pool.submit(guarded.sendall, b"x" * 50_000_000)
        done, _ = concurrent.futures.wait([write], timeout=5)
        server.close()  # ends the write also when the timeout did not
    guarded.close()
    assert done, "the write outlived its timeout"
    assert isinstance(write.exception(), TimeoutError)


def test_bytes_cross_whole_and_in_order_while_one_thread_writes_and_another_reads(certificates: Path) -> None:
    client, server = tls_pair(certificates)
    guarded = SerializedTLSSocket(client)
    sent = bytes(range(256)) * 40_000  # 10 MB, echoed by the peer while the rest is still being written

    def echo() -> None:
        echoed = 0
        while echoed < len(sent):
            chunk = server.recv(65536)
            if not chunk:
                return
            server.sendall(chunk)
            echoed += len(chunk)

    with ThreadPoolExecutor(2) as pool:
        try:
            echoing = pool.submit(echo)
            writing = pool.submit(guarded.sendall, sent)
            assert read_exactly(guarded.recv, len(sent)) == sent
            writing.result(timeout=60)
            echoing.result(timeout=10)
        finally:
            guarded.close()  # ends the peer's reads and this side's writes, also after a failure
    server.close()


def read_exactly(recv: Callable[[int], bytes], size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = recv(65536)
        assert chunk, "end of stream before all bytes arrived"
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
