"""The Python agent of the interop suite: hosts clients and exposes docs/agent-control-api.md.

    python -m agent --port 0                  # the asyncio client (rpcws_client.Client)
    python -m agent --port 0 --client sync    # the synchronous client (rpcws_client.sync.Client)

HTTP requests are served by the standard library's ThreadingHTTPServer; the agent's work runs on one
asyncio loop in its own thread, and request threads hand it over. Asyncio clients live on that loop;
synchronous clients are driven from a thread pool (agent/threaded.py).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import platform
import signal
import ssl
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import PackageNotFoundError, version
from typing import Any, NoReturn
from urllib.parse import parse_qs, urlsplit

from rpcws_client import DEFAULT, Client, RpcError, ServerError, State, SubscriptionError
from rpcws_client.protocol import dumps

from agent.threaded import HostedLibrary, ThreadedClient, Unsupported

logger = logging.getLogger("agent")

# How long POST /clients/{id}/close waits for the close handshake before answering anyway.
CLOSE_WAIT = 2.0

_STATES = {
    State.DISCONNECTED: "closed",
    State.CONNECTING: "connecting",
    State.CONNECTED: "connected",
    State.RECONNECTING: "reconnecting",
    State.CLOSED: "closed",
}


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def error_json(exc: BaseException) -> dict[str, Any]:
    """An exception as the API's ``<error>`` object."""
    if isinstance(exc, ServerError):
        if exc.raw:
            return {"kind": "rpc-raw", "value": exc.error}
        return {"kind": "rpc", **{k: exc.error[k] for k in ("code", "message", "data") if k in exc.error}}
    if isinstance(exc, SubscriptionError):
        return {"kind": "subscription", "message": exc.message, "status": exc.status}
    if isinstance(exc, RpcError):
        return {"kind": exc.kind, "message": exc.message}
    return {"kind": "other", "message": str(exc) or type(exc).__name__}


# Control API option -> (Client keyword, converter). Durations arrive in ms.
def _ms(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise BadRequest(400, f"expected a duration in ms, got {value!r}")
    return value / 1000


def _typed(kind: type) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise BadRequest(400, f"expected {kind.__name__}, got {value!r}")
        return value

    return check


def _ca_pem(value: Any) -> ssl.SSLContext:
    """wss:// with a private CA (PEM text): verify the server (name and chain) against that CA only."""
    if not isinstance(value, str):
        raise BadRequest(400, f"expected PEM text, got {value!r}")
    return ssl.create_default_context(cadata=value)


OPTIONS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "reconnect": ("reconnect", _typed(bool)),
    "reconnectInterval": ("reconnect_interval", _ms),
    "maxReconnects": ("max_reconnects", _typed(int)),
    "backoff": ("backoff", _typed(bool)),
    "callTimeoutMs": ("call_timeout", _ms),
    "restoreOnReconnect": ("restore_on_reconnect", _typed(bool)),
    "waitForReconnect": ("wait_for_reconnect", _typed(bool)),
    "pingIntervalMs": ("ping_interval", _ms),
    "pongTimeoutMs": ("pong_timeout", _ms),
    "headers": ("headers", _typed(dict)),
    "subprotocols": ("subprotocols", _typed(list)),
    "caPem": ("ssl", _ca_pem),
}


@dataclass
class HostedClient:
    """A client plus everything it recorded for the suite to read back."""

    client: HostedLibrary
    events: list[dict[str, Any]] = field(default_factory=list)
    lifecycle: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: dict[str, Any] = field(default_factory=dict)  # event -> subscription (has .status)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, log: list[dict[str, Any]], entry: dict[str, Any]) -> None:
        log.append(entry)
        self.changed.set()
        self.changed = asyncio.Event()

    async def wait_for(self, enough: Callable[[], bool], wait_ms: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_ms / 1000
        while not enough() and loop.time() < deadline:
            try:
                await asyncio.wait_for(self.changed.wait(), deadline - loop.time())
            except asyncio.TimeoutError:
                return

    def track_lifecycle(self) -> None:
        c, log = self.client, self.lifecycle
        c.on("open", lambda: self.record(log, {"type": "open"}))
        c.on("close", lambda code, reason: self.record(log, {"type": "close", "code": code, "reason": reason}))
        c.on("error", lambda exc: self.record(log, {"type": "error", "message": str(exc)}))
        c.on(
            "reconnecting",
            lambda attempt, delay: self.record(
                log, {"type": "reconnecting", "attempt": attempt, "delayMs": round(delay * 1000)}
            ),
        )
        c.on(
            "reconnected",
            lambda missed: self.record(log, {"type": "reconnected", "eventsMayHaveBeenMissed": missed}),
        )
        c.on(
            "max_reconnects_reached",
            lambda code, reason: self.record(
                log, {"type": "maxReconnectsReached", "code": code, "reason": reason}
            ),
        )


class Agent:
    """Routes control requests; every coroutine here runs on the agent's event loop.

    ``new_client(url, **options)`` makes the clients it hosts: the asyncio client, or a synchronous one
    behind :class:`ThreadedClient`.
    """

    def __init__(self, new_client: Callable[..., HostedLibrary], flavour: str) -> None:
        self.clients: dict[str, HostedClient] = {}
        self._ids = itertools.count(1)
        self._new_client = new_client
        self._flavour = flavour

    async def handle(self, method: str, path: str, query: dict[str, str], body: Any) -> Any:
        parts = [p for p in path.split("/") if p]
        if (method, parts) == ("GET", ["health"]):
            return {"status": "ok", "language": "python", "library": _library(self._flavour),
                    "runtime": f"Python {platform.python_version()}"}
        if (method, parts) == ("POST", ["clients"]):
            return await self.create(_object(body))
        if len(parts) < 2 or parts[0] != "clients":
            raise BadRequest(404, f"no such endpoint: {method} {path}")
        hosted = self.clients.get(parts[1])
        if hosted is None:
            raise BadRequest(404, f"unknown client {parts[1]}")
        action = parts[2] if len(parts) == 3 else None
        if len(parts) == 2 and method == "DELETE":
            del self.clients[parts[1]]
            await _bounded(hosted.client.close(), CLOSE_WAIT)
            return {"result": None}
        route: dict[tuple[str, str | None], Callable[[], Awaitable[Any]]] = {
            ("POST", "call"): lambda: self.call(hosted, _object(body)),
            ("POST", "notify"): lambda: self.notify(hosted, _object(body)),
            ("POST", "subscribe"): lambda: self.subscribe(hosted, _event(body)),
            ("POST", "unsubscribe"): lambda: self.unsubscribe(hosted, _event(body)),
            ("POST", "login"): lambda: self.login(hosted, _object(body)),
            ("GET", "events"): lambda: self.events(hosted, query),
            ("GET", "lifecycle"): lambda: self.lifecycle(hosted, query),
            ("POST", "pause"): lambda: self.pause(hosted, True),
            ("POST", "resume"): lambda: self.pause(hosted, False),
            ("POST", "close"): lambda: self.close(hosted, _object(body, optional=True)),
        }
        handler = route.get((method, action))
        if handler is None:
            raise BadRequest(404, f"no such endpoint: {method} {path}")
        return await handler()

    async def create(self, body: dict[str, Any]) -> Any:
        url = body.get("url")
        if not isinstance(url, str):
            raise BadRequest(400, 'body needs a string "url"')
        options = body.get("options") or {}
        if not isinstance(options, dict):
            raise BadRequest(400, '"options" must be an object')
        kwargs = {OPTIONS[k][0]: OPTIONS[k][1](v) for k, v in options.items() if k in OPTIONS}
        ignored = [k for k in options if k not in OPTIONS]
        try:
            hosted = HostedClient(self._new_client(url, **kwargs))
        except ValueError as exc:
            raise BadRequest(400, str(exc)) from None
        hosted.track_lifecycle()
        try:
            await hosted.client.connect()
        except RpcError as exc:
            return {"error": error_json(exc)}
        client_id = f"c{next(self._ids)}"
        self.clients[client_id] = hosted
        result: dict[str, Any] = {"client": client_id}
        if ignored:
            result["ignored"] = ignored
        return {"result": result}

    async def call(self, hosted: HostedClient, body: dict[str, Any]) -> Any:
        method = _string(body, "method")
        timeout = _ms(body["timeoutMs"]) if "timeoutMs" in body else DEFAULT
        return await _outcome(hosted.client.call(method, body.get("params"), timeout))

    async def notify(self, hosted: HostedClient, body: dict[str, Any]) -> Any:
        return await _outcome(hosted.client.notify(_string(body, "method"), body.get("params")))

    async def subscribe(self, hosted: HostedClient, event: str) -> Any:
        existing = hosted.subscriptions.get(event)
        if existing is not None:
            return {"result": existing.status}

        def record(*args: Any) -> None:
            hosted.record(hosted.events, {"event": event, "args": list(args)})

        try:
            subscription = await hosted.client.subscribe(event, record)
        except Exception as exc:
            return {"error": error_json(exc)}
        hosted.subscriptions[event] = subscription
        return {"result": subscription.status}

    async def unsubscribe(self, hosted: HostedClient, event: str) -> Any:
        hosted.subscriptions.pop(event, None)
        return await _outcome(hosted.client.unsubscribe(event))

    async def login(self, hosted: HostedClient, body: dict[str, Any]) -> Any:
        return await _outcome(hosted.client.login(body.get("params")))

    async def events(self, hosted: HostedClient, query: dict[str, str]) -> Any:
        name = query.get("event")

        def matching() -> list[dict[str, Any]]:
            return [e for e in hosted.events if name is None or e["event"] == name]

        count = _int_query(query, "count", 0)
        await hosted.wait_for(lambda: len(matching()) >= count, _int_query(query, "waitMs", 0))
        return {"result": matching()}

    async def lifecycle(self, hosted: HostedClient, query: dict[str, str]) -> Any:
        kind = query.get("type")
        count = _int_query(query, "count", 0)

        def enough() -> bool:
            return sum(1 for e in hosted.lifecycle if kind is None or e["type"] == kind) >= count

        await hosted.wait_for(enough, _int_query(query, "waitMs", 0))
        return {"result": {"state": _STATES[hosted.client.state], "log": list(hosted.lifecycle)}}

    async def pause(self, hosted: HostedClient, paused: bool) -> Any:
        try:
            if paused:
                hosted.client.pause_reading()
            else:
                hosted.client.resume_reading()
        except Unsupported as exc:
            raise BadRequest(501, str(exc)) from None
        return {"result": None}

    async def close(self, hosted: HostedClient, body: dict[str, Any]) -> Any:
        code = body.get("code", 1000)
        reason = body.get("reason", "")
        if not isinstance(code, int) or not isinstance(reason, str):
            raise BadRequest(400, '"code" must be an integer and "reason" a string')
        await _bounded(hosted.client.close(code, reason), CLOSE_WAIT)
        return {"result": None}

    async def shutdown(self) -> None:
        clients, self.clients = list(self.clients.values()), {}
        await asyncio.gather(*(_bounded(h.client.close(), CLOSE_WAIT) for h in clients))


# ---- helpers ----


async def _outcome(operation: Awaitable[Any]) -> dict[str, Any]:
    try:
        return {"result": await operation}
    except Exception as exc:
        return {"error": error_json(exc)}


async def _bounded(operation: Awaitable[Any], seconds: float) -> None:
    """Wait up to ``seconds``; the operation carries on in the background after that."""
    task = asyncio.ensure_future(operation)
    await asyncio.wait({task}, timeout=seconds)
    if task.done() and not task.cancelled() and task.exception() is not None:
        logger.warning("close failed: %s", task.exception())


def _object(body: Any, optional: bool = False) -> dict[str, Any]:
    if body is None and optional:
        return {}
    if not isinstance(body, dict):
        raise BadRequest(400, "body must be a JSON object")
    return body


def _string(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise BadRequest(400, f'body needs a non-empty string "{key}"')
    return value


def _event(body: Any) -> str:
    return _string(_object(body), "event")


def _int_query(query: dict[str, str], key: str, default: int) -> int:
    raw = query.get(key)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(400, f"query parameter {key} must be an integer") from None


def _library(flavour: str) -> str:
    """e.g. ``rpcws-client 0.1.0 (websockets 17.4)``, or ``rpcws-client 0.1.0 sync (websockets 17.4)``."""
    suffix = "" if flavour == "async" else f" {flavour}"
    try:
        own, ws = version("rpcws-client"), version("websockets")
    except PackageNotFoundError:
        return "rpcws-client" + suffix
    return f"rpcws-client {own}{suffix} (websockets {ws})"


# ---- HTTP shell ----


class ControlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, agent: Agent, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(("127.0.0.1", port), ControlHandler)
        self.agent = agent
        self.loop = loop


class ControlHandler(BaseHTTPRequestHandler):
    server: ControlServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            body = self._body()
            work = self.server.agent.handle(self.command, url.path, query, body)
            reply = asyncio.run_coroutine_threadsafe(work, self.server.loop).result()
            self._reply(200, reply)
        except BadRequest as exc:
            self._reply(exc.status, {"error": str(exc)})
        except Exception as exc:
            logger.exception("control request %s %s failed", self.command, self.path)
            self._reply(500, {"error": str(exc)})

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return None
        try:
            return json.loads(raw, parse_constant=_not_json)
        except ValueError as exc:
            raise BadRequest(400, f"body is not JSON: {exc}") from None

    def _reply(self, status: int, value: Any) -> None:
        # As the clients write JSON: a lone surrogate (which a reply may carry) becomes an escape.
        payload = dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _exit_on_signal(signum: int, frame: object) -> NoReturn:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m agent", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=0, help="control port on 127.0.0.1 (0: any free)")
    parser.add_argument(
        "--client", choices=("async", "sync"), default="async", help="the client library to host (default async)"
    )
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr, level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, name="rpcws-agent-loop", daemon=True).start()
    new_client: Callable[..., HostedLibrary] = Client
    if args.client == "sync":
        new_client = ThreadedClient.factory(loop)
    agent = Agent(new_client, args.client)
    server = ControlServer(args.port, agent, loop)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    print(f"listening control={server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        asyncio.run_coroutine_threadsafe(agent.shutdown(), loop).result(timeout=CLOSE_WAIT + 1)
        loop.call_soon_threadsafe(loop.stop)


if __name__ == "__main__":
    main()
