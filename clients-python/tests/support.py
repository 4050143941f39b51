"""Test support: the servers under test as subprocesses, a scriptable local server, and waiting helpers."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.sync import server as sync_server

from rpcws_client import Client

REPO = Path(__file__).resolve().parents[2]
CLIENTS_PYTHON = REPO / "clients-python"
NODE_SERVER = REPO / "clients-js" / "reference-server.mjs"
JETTY_JAR = REPO / "server" / "target" / "rpcws-server.jar"
START_TIMEOUT = 20.0
CREDENTIALS = {"username": "foo", "password": "bar"}

# ---- HTTP ----


def free_port() -> int:
    """A loopback port nothing listens on (at the moment of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_json(method: str, url: str, body: Any = None, timeout: float = 10.0) -> tuple[int, Any]:
    """One JSON request; returns (status, decoded body) for any status."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


# ---- processes ----


class Process:
    """A subprocess that announces its ports in one stdout line; stderr goes to a log file."""

    def __init__(self, name: str, command: list[str], pattern: str, log_dir: Path, cwd: Path = REPO) -> None:
        self.name = name
        self.command = command
        self.log = log_dir / f"{name}-{time.monotonic_ns()}.log"
        self._stderr = self.log.open("w")
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self._stderr, text=True, cwd=cwd
        )
        lines: queue.Queue[str] = queue.Queue()
        # Keeps draining stdout so the child never blocks on a full pipe.
        threading.Thread(target=self._pump, args=(lines,), daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(0.0, remaining))
            except queue.Empty:
                self.kill()
                pytest.fail(f"{name} did not start within {START_TIMEOUT}s: {command}\n{self.log_tail()}")
            match = re.fullmatch(pattern, line.strip())
            if match:
                self.ports = {k: int(v) for k, v in match.groupdict().items()}
                return
            if self.proc.poll() is not None:
                pytest.fail(f"{name} exited with {self.proc.returncode}: {command}\n{self.log_tail()}")

    def _pump(self, lines: queue.Queue[str]) -> None:
        assert self.proc.stdout is not None
        with self.proc.stdout:
            for line in self.proc.stdout:
                lines.put(line)
        lines.put("")  # EOF: lets the start-up loop notice the exit

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def signal(self, signum: int) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signum)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self._stderr.close()

    def stop(self) -> None:
        self.signal(signal.SIGCONT)  # a stopped process cannot act on SIGTERM
        self.signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.kill()


def server_command(kind: str, port: int, extra: list[str]) -> list[str]:
    if kind == "node":
        if not NODE_SERVER.exists() or not (REPO / "clients-js" / "node_modules" / "rpc-websockets").exists():
            pytest.fail(f"Node reference server missing: need {NODE_SERVER} and `npm ci` in {NODE_SERVER.parent}")
        return ["node", str(NODE_SERVER), "--port", str(port), "--admin-port", "0", *extra]
    if not JETTY_JAR.exists():
        pytest.fail(
            f"Jetty server jar not found at {JETTY_JAR}. Build it first, from {REPO}:\n"
            "    ./mvnw -q -B -DskipTests package -pl server -am"
        )
    return ["java", "-jar", str(JETTY_JAR), "--port", str(port), "--admin-port", "0", "--fixture", "compat", *extra]


class ServerUnderTest:
    """The Node reference server or the Jetty server, with the compat fixture and the admin API."""

    def __init__(self, kind: str, log_dir: Path, extra: list[str] | None = None) -> None:
        self.kind = kind
        self.extra = extra or []
        self.log_dir = log_dir
        self.process = self._launch(0)

    def _launch(self, port: int) -> Process:
        command = server_command(self.kind, port, self.extra)
        process = Process(self.kind, command, r"listening ws=(?P<ws>\d+) admin=(?P<admin>\d+)", self.log_dir)
        self.ws_port, self.admin_port = process.ports["ws"], process.ports["admin"]
        return process

    def url(self, path: str = "/") -> str:
        return f"ws://127.0.0.1:{self.ws_port}{path}"

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        status, reply = http_json(method, f"http://127.0.0.1:{self.admin_port}{path}", body)
        assert status == 200, f"admin {method} {path} -> {status} {reply}"
        return reply

    async def emit(self, event: str, args: list[Any] | None = None, namespace: str | None = None) -> None:
        path = "/admin/emit" + (f"?namespace={namespace}" if namespace else "")
        body: dict[str, Any] = {"event": event}
        if args is not None:
            body["args"] = args
        await asyncio.to_thread(self.admin, "POST", path, body)

    async def connections(self, namespace: str = "/") -> list[str]:
        return await asyncio.to_thread(self.admin, "GET", f"/admin/connections?namespace={namespace}")

    def kill(self) -> None:
        self.process.kill()

    def restart_same_port(self) -> None:
        """A new server process on the port the old one had (the old one must be dead)."""
        port = self.ws_port
        self.process.kill()
        self.process = self._launch(port)
        assert self.ws_port == port

    def pause(self) -> None:
        self.process.signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.signal(signal.SIGCONT)

    def stop(self) -> None:
        self.process.stop()


# ---- waiting ----


async def eventually(check: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
    """Poll ``check`` (sync or async) until it returns something truthy, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s")
        await asyncio.sleep(0.01)


class Inbox:
    """A listener that queues the argument tuples it is called with."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()

    def __call__(self, *args: Any) -> None:
        self.queue.put_nowait(args)

    async def next(self, timeout: float = 5.0) -> tuple[Any, ...]:
        return await asyncio.wait_for(self.queue.get(), timeout)


class Recorder:
    """Records a client's lifecycle callbacks and events in arrival order."""

    def __init__(self, client: Client | None = None) -> None:
        self.entries: list[tuple[Any, ...]] = []
        self._changed = asyncio.Event()
        if client is not None:
            for name in ("open", "close", "error", "reconnecting", "reconnected", "max_reconnects_reached"):
                client.on(name, self.handler(name))  # type: ignore[arg-type]

    def handler(self, name: str) -> Callable[..., None]:
        def record(*args: Any) -> None:
            self.entries.append((name, *args))
            self._changed.set()
            self._changed = asyncio.Event()

        return record

    def of(self, name: str) -> list[tuple[Any, ...]]:
        return [e[1:] for e in self.entries if e[0] == name]

    def names(self) -> list[str]:
        return [e[0] for e in self.entries]

    async def wait(self, name: str, count: int = 1, timeout: float = 5.0) -> list[tuple[Any, ...]]:
        deadline = time.monotonic() + timeout
        while len(self.of(name)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"expected {count} x {name!r} within {timeout}s; saw {self.entries}")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.of(name)


# ---- a scriptable local server (the real websockets server) ----

Script = Callable[[ServerConnection, int], Awaitable[None]]


class ScriptedServer:
    """A websockets server on 127.0.0.1 that runs ``script(connection, n)`` for connection n (1-based)."""

    def __init__(self, script: Script, **options: Any) -> None:
        self.script = script
        self.options = options
        self.connections = 0
        self.requests: list[Any] = []  # handshake requests, in order
        self.server: Server | None = None

    async def __aenter__(self) -> ScriptedServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self, port: int = 0) -> None:
        self.server = await serve(self._handle, "127.0.0.1", port, **self.options)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None

    def url(self, path: str = "/", scheme: str = "ws") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    async def _handle(self, connection: ServerConnection) -> None:
        self.connections += 1
        self.requests.append(connection.request)
        await self.script(connection, self.connections)


async def answer_calls(connection: ServerConnection, replies: dict[str, Any] | None = None) -> None:
    """Answer every request: ``replies[method]`` if given (a dict to send, or None for silence),
    else ``{"result": true}``; rpc.on/rpc.off get an ``ok`` per event."""
    async for message in connection:
        answer = reply_to(json.loads(message), replies or {})
        if answer is not None:
            await connection.send(answer)


def reply_to(frame: dict[str, Any], replies: dict[str, Any]) -> str | None:
    """The reply ``answer_calls`` gives a request frame (None: no reply)."""
    method, request_id = frame.get("method"), frame.get("id")
    if request_id is None:
        return None
    if method in replies:
        reply = replies[method]
        return None if reply is None else json.dumps({"jsonrpc": "2.0", **reply, "id": request_id})
    if method in ("rpc.on", "rpc.off"):
        status = {event: "ok" for event in frame.get("params", [])}
        return json.dumps({"jsonrpc": "2.0", "result": status, "id": request_id})
    return json.dumps({"jsonrpc": "2.0", "result": True, "id": request_id})


class BlockingScriptedServer:
    """The threading counterpart of ScriptedServer, for tests without an event loop: ``script(connection,
    n)`` runs on a thread per connection."""

    def __init__(self, script: Callable[[sync_server.ServerConnection, int], None]) -> None:
        self.script = script
        self.connections = 0
        self.server = sync_server.serve(self._handle, "127.0.0.1", 0)
        self.port = self.server.socket.getsockname()[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "/") -> str:
        return f"ws://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.server.shutdown()

    def _handle(self, connection: sync_server.ServerConnection) -> None:
        self.connections += 1
        self.script(connection, self.connections)


def answer_calls_blocking(connection: sync_server.ServerConnection, replies: dict[str, Any] | None = None) -> None:
    """``answer_calls`` on a threading connection."""
    for message in connection:
        answer = reply_to(json.loads(message), replies or {})
        if answer is not None:
            connection.send(answer)


# ---- waiting, for the synchronous client (listeners run on its listener thread) ----


def wait_until(check: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s")
        time.sleep(0.01)
    return value


class BlockingInbox:
    """A listener that queues the argument tuples it is called with, and the thread it was called on."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.threads: set[str] = set()

    def __call__(self, *args: Any) -> None:
        self.threads.add(threading.current_thread().name)
        self.queue.put(args)

    def next(self, timeout: float = 5.0) -> tuple[Any, ...]:
        return self.queue.get(timeout=timeout)


class BlockingRecorder:
    """Records a synchronous client's lifecycle callbacks in arrival order."""

    NAMES = ("open", "close", "error", "reconnecting", "reconnected", "max_reconnects_reached")

    def __init__(self, client: Any) -> None:
        self.entries: list[tuple[Any, ...]] = []
        self._changed = threading.Condition()
        for name in self.NAMES:
            client.on(name, self._handler(name))

    def _handler(self, name: str) -> Callable[..., None]:
        def record(*args: Any) -> None:
            with self._changed:
                self.entries.append((name, *args))
                self._changed.notify_all()

        return record

    def of(self, name: str) -> list[tuple[Any, ...]]:
        with self._changed:
            return [e[1:] for e in self.entries if e[0] == name]

    def names(self) -> list[str]:
        with self._changed:
            return [e[0] for e in self.entries]

    def wait(self, name: str, count: int = 1, timeout: float = 5.0) -> list[tuple[Any, ...]]:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.of(name)) >= count, timeout):
                raise AssertionError(f"expected {count} x {name!r} within {timeout}s; saw {self.entries}")
        return self.of(name)
