"""The asyncio client: one WebSocket connection to an rpc-websockets server, kept alive.

Behaviour follows docs/client-behaviour.md. Everything runs on the event loop that called
:meth:`Client.connect`; listeners are called from that loop too, never from inside the read loop,
in the order the frames arrived.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import itertools
import logging
import random
import ssl as ssl_module
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, TypeVar, Union, cast
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from . import protocol
from .errors import (
    AuthError,
    CallTimeoutError,
    ConnectionLostError,
    NotConnectedError,
    RpcError,
    SubscriptionError,
)

logger = logging.getLogger("rpcws_client")

# The reference server and client (ws) accept messages up to 100 MiB; websockets defaults to 1 MiB,
# which would refuse a 1 MiB payload once wrapped in its reply.
DEFAULT_MAX_SIZE = 100 * 2**20
# A WebSocket close code meaning "normal": the reference never reconnects after it, whoever sent it.
NORMAL_CLOSURE = 1000
# What a connection that ended without a close frame reports (RFC 6455 7.1.5).
ABNORMAL_CLOSURE = 1006

Handler = Callable[..., Any]
LifecycleEvent = Literal[
    "open", "close", "error", "reconnecting", "reconnected", "max_reconnects_reached"
]
_LIFECYCLE_EVENTS: frozenset[str] = frozenset(
    ("open", "close", "error", "reconnecting", "reconnected", "max_reconnects_reached")
)
_T = TypeVar("_T")


class State(str, enum.Enum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


class _UseDefault(enum.Enum):
    TOKEN = enum.auto()


#: Passed as ``timeout``: use the client's ``call_timeout``.
DEFAULT = _UseDefault.TOKEN
Timeout = Union[float, None, Literal[_UseDefault.TOKEN]]


def reconnect_delay(
    attempt: int,
    interval: float,
    *,
    backoff: bool = False,
    max_delay: float = 30.0,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait before reconnect attempt ``attempt`` (1-based).

    Without backoff: the fixed ``interval`` (the reference). With backoff:
    ``min(interval * 2**(attempt-1), max_delay)``, then a random delay in [delay/2, delay] so that
    many clients dropped together do not come back in lockstep.
    """
    if not backoff:
        return interval
    delay = min(interval * 2.0 ** min(attempt - 1, 32), max_delay)
    return delay / 2 + rand() * delay / 2


@dataclass(eq=False)
class _Topic:
    """One server event this client is subscribed to, and its local listeners."""

    confirmed: asyncio.Future[dict[str, Any]]
    listeners: list[Handler] = field(default_factory=list)


class Subscription:
    """Returned by :meth:`Client.subscribe`; closing it removes its listener."""

    def __init__(self, client: Client, event: str, handler: Handler, status: dict[str, Any]):
        self._client = client
        self._handler = handler
        self.event = event
        #: The server's ``rpc.on`` status map, e.g. ``{"newsUpdate": "ok"}``.
        self.status = status

    async def close(self) -> dict[str, Any] | None:
        """Remove the listener; the event's last listener sends ``rpc.off`` and returns its status map."""
        return await self._client._remove_listener(self.event, self._handler)

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class Client:
    """An rpc-websockets client. Durations are in seconds; 0 or None disables a timeout/heartbeat.

    ``async with Client("ws://127.0.0.1:8080/chat") as client: await client.call("chatOnly")``

    The namespace is the URL's path. Options are described in docs/client-behaviour.md.
    """

    def __init__(
        self,
        url: str,
        *,
        reconnect: bool = True,
        reconnect_interval: float = 1.0,
        max_reconnects: int = 5,
        backoff: bool = False,
        max_reconnect_delay: float = 30.0,
        call_timeout: float | None = 30.0,
        restore_on_reconnect: bool = True,
        wait_for_reconnect: bool = False,
        ping_interval: float | None = 30.0,
        pong_timeout: float = 10.0,
        headers: Mapping[str, str] | None = None,
        subprotocols: Sequence[str] | None = None,
        ssl: ssl_module.SSLContext | None = None,
        open_timeout: float | None = 10.0,
        close_timeout: float | None = 5.0,
        max_size: int | None = DEFAULT_MAX_SIZE,
    ) -> None:
        if max_reconnects < 0:
            raise ValueError("max_reconnects must be >= 0 (0 means unlimited)")
        if reconnect_interval < 0 or pong_timeout <= 0:
            raise ValueError("reconnect_interval must be >= 0 and pong_timeout > 0")
        self.url = url
        self.reconnect = reconnect
        self.reconnect_interval = reconnect_interval
        self.max_reconnects = max_reconnects
        self.backoff = backoff
        self.max_reconnect_delay = max_reconnect_delay
        self.call_timeout = call_timeout or None
        self.restore_on_reconnect = restore_on_reconnect
        self.wait_for_reconnect = wait_for_reconnect
        self.ping_interval = ping_interval or None
        self.pong_timeout = pong_timeout
        self.headers = dict(headers or {})
        self.subprotocols = list(subprotocols or [])
        self.ssl = ssl
        self.open_timeout = open_timeout
        self.close_timeout = close_timeout
        self.max_size = max_size

        self._state = State.DISCONNECTED
        # Replaced on every state change; waiters hold the old one, which gets set.
        self._state_changed = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._closing = False
        self._last_close: tuple[int, str] = (ABNORMAL_CLOSURE, "")
        self._last_received = 0.0
        # Never reset, so a late reply from before a reconnect cannot settle a newer call.
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self._topics: dict[str, _Topic] = {}
        self._local: dict[str, list[Handler]] = {}
        self._lifecycle: dict[str, list[Handler]] = {name: [] for name in _LIFECYCLE_EVENTS}
        self._login: tuple[Any] | None = None  # params of the last successful login
        self._tasks: set[asyncio.Task[Any]] = set()  # listener coroutines, kept referenced

    # ---- properties ----

    @property
    def state(self) -> State:
        return self._state

    @property
    def namespace(self) -> str:
        """The server namespace this client talks to: the URL's path, verbatim."""
        return urlsplit(self.url).path or "/"

    @property
    def subprotocol(self) -> str | None:
        """The subprotocol the server selected on the current connection."""
        return self._ws.subprotocol if self._ws is not None else None

    @property
    def pending_calls(self) -> int:
        """Calls sent and still waiting for their reply."""
        return len(self._pending)

    @property
    def subscribed_events(self) -> list[str]:
        return list(self._topics)

    # ---- connection ----

    async def connect(self) -> None:
        """Open the connection. If the first handshake fails, the reconnect rules apply, as in the reference
        client: attempts follow until one succeeds, or NotConnectedError once the client gives up (at once
        with ``reconnect=False``), in state CLOSED.

        No-op while connecting or connected. A closed client may connect again.
        """
        if self._state in (State.CONNECTING, State.CONNECTED, State.RECONNECTING):
            return
        self._closing = False
        self._set_state(State.CONNECTING)
        try:
            ws = await self._open()
        except BaseException as exc:
            if not isinstance(exc, Exception):
                self._set_state(State.DISCONNECTED)
                raise  # cancelled
            self._emit("error", exc)
            ws = await self._retry_first_connect(exc)
        if self._closing:  # close() was called during the handshake
            await ws.close()
            self._set_state(State.CLOSED)
            raise NotConnectedError("client closed while connecting")
        self._attach(ws)
        self._set_state(State.CONNECTED)
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise(ws))

    async def close(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        """Close for good (whatever ``code``): no reconnect follows. Pending calls fail."""
        self._closing = True
        ws, supervisor = self._ws, self._supervisor
        if ws is not None:
            await ws.close(code, reason)
        elif supervisor is not None:
            supervisor.cancel()  # waiting between reconnect attempts, or in a handshake
        if supervisor is not None:
            await asyncio.wait({supervisor})
        self._set_state(State.CLOSED)

    async def __aenter__(self) -> Client:
        await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def pause_reading(self) -> None:
        """Stop reading the socket, as a stalled process would: pings go unanswered, frames queue.

        Meant for testing liveness detection; :meth:`resume_reading` undoes it.
        """
        if self._ws is not None:
            self._ws.transport.pause_reading()

    def resume_reading(self) -> None:
        if self._ws is not None:
            self._ws.transport.resume_reading()

    # ---- calls ----

    async def call(self, method: str, params: Any = None, timeout: Timeout = DEFAULT) -> Any:
        """Call ``method`` and return its result.

        ``params`` (a list or a dict) is omitted from the frame when None. ``timeout`` defaults to
        ``call_timeout``; None or 0 waits forever. Raises an RpcError subclass.
        """
        deadline = self._deadline(timeout)
        ws = await self._connection(method, deadline)
        return await self._request(ws, method, params, deadline)

    async def notify(self, method: str, params: Any = None) -> None:
        """Send a notification (no id, no reply)."""
        ws = await self._connection(method, self._deadline(DEFAULT))
        try:
            await ws.send(protocol.encode_notification(method, params))
        except ConnectionClosed as exc:
            raise ConnectionLostError(f"connection lost while sending {method}") from exc

    async def login(self, params: Any, timeout: Timeout = DEFAULT) -> Any:
        """``rpc.login``; a falsy result raises AuthError. Remembered for restore after reconnect."""
        result = await self.call("rpc.login", params, timeout)
        if not result:
            raise AuthError("authentication failed", result)
        self._login = (params,)
        return result

    async def list_methods(self, timeout: Timeout = DEFAULT) -> list[str]:
        return cast(list[str], await self.call("__listMethods", None, timeout))

    # ---- events ----

    async def subscribe(self, event: str, handler: Handler) -> Subscription:
        """Call ``handler(*args)`` for every ``event``; the event's first listener sends ``rpc.on``.

        Raises SubscriptionError for a status other than ok / already subscribed, ServerError for
        an error reply (e.g. -32606 Event forbidden). ``handler`` may be a coroutine function.
        """
        topic = self._topics.get(event)
        first = topic is None
        if topic is None:
            topic = _Topic(asyncio.get_running_loop().create_future())
            self._topics[event] = topic
        topic.listeners.append(handler)
        try:
            if first:
                topic.confirmed.set_result(await self._server_subscribe(event, DEFAULT))
            status = await asyncio.shield(topic.confirmed)
        except BaseException as exc:
            if first:
                if self._topics.get(event) is topic:
                    del self._topics[event]
                _settle_with(topic.confirmed, exc)
            elif handler in topic.listeners:
                topic.listeners.remove(handler)
            raise
        return Subscription(self, event, handler, status)

    async def unsubscribe(self, event: str) -> dict[str, Any]:
        """Remove every listener of ``event`` and send ``rpc.off``; returns the server's status map."""
        self._topics.pop(event, None)
        return cast(dict[str, Any], await self.call("rpc.off", [event]))

    def listen(self, event: str, handler: Handler) -> Callable[[], None]:
        """Listen to ``event`` locally, without ``rpc.on``: for servers that push standard JSON-RPC
        notifications unasked. Returns a function that removes the listener."""
        self._local.setdefault(event, []).append(handler)

        def remove() -> None:
            listeners = self._local.get(event, [])
            if handler in listeners:
                listeners.remove(handler)

        return remove

    def on(self, name: LifecycleEvent, callback: Handler) -> Callable[[], None]:
        """Register a lifecycle callback; returns a function that removes it.

        ``open()``, ``close(code, reason)``, ``error(exception)``, ``reconnecting(attempt, delay_s)``,
        ``reconnected(events_may_have_been_missed)``, ``max_reconnects_reached(code, reason)``.
        """
        if name not in self._lifecycle:
            raise ValueError(f"unknown lifecycle event {name!r}")
        callbacks = self._lifecycle[name]
        callbacks.append(callback)

        def remove() -> None:
            if callback in callbacks:
                callbacks.remove(callback)

        return remove

    # ---- internals: requests ----

    def _deadline(self, timeout: Timeout) -> float | None:
        seconds = self.call_timeout if timeout is DEFAULT else timeout
        return asyncio.get_running_loop().time() + seconds if seconds else None

    async def _connection(self, method: str, deadline: float | None) -> ClientConnection:
        """The open connection, or wait for one (``wait_for_reconnect``), or NotConnectedError."""
        while True:
            if self._state is State.CONNECTED and self._ws is not None:
                return self._ws
            waiting_helps = self._state in (State.CONNECTING, State.RECONNECTING)
            if not (self.wait_for_reconnect and waiting_helps):
                raise NotConnectedError(f"not connected (state {self._state.value})")
            changed = self._state_changed
            try:
                await asyncio.wait_for(changed.wait(), _remaining(deadline))
            except asyncio.TimeoutError:
                raise CallTimeoutError(f"{method}: timed out waiting for the connection") from None

    async def _request(
        self, ws: ClientConnection, method: str, params: Any, deadline: float | None
    ) -> Any:
        request_id = next(self._ids)
        key = str(request_id)
        reply: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[key] = reply
        try:
            try:
                await ws.send(protocol.encode_call(request_id, method, params))
            except ConnectionClosed as exc:
                raise ConnectionLostError(f"connection lost while sending {method}") from exc
            try:
                return await asyncio.wait_for(reply, _remaining(deadline))
            except asyncio.TimeoutError:
                raise CallTimeoutError(f"{method}: reply timeout") from None
        finally:
            # A late reply finds no entry and is dropped.
            del self._pending[key]
            if reply.done() and not reply.cancelled():
                reply.exception()  # mark retrieved: a drop may settle it after send() failed

    async def _server_subscribe(self, event: str, timeout: Timeout) -> dict[str, Any]:
        deadline = self._deadline(timeout)
        ws = await self._connection("rpc.on", deadline)
        status = await self._request(ws, "rpc.on", [event], deadline)
        value = status.get(event) if isinstance(status, dict) else status
        if value not in protocol.SUBSCRIBED_STATUSES:
            raise SubscriptionError(event, value)
        return cast(dict[str, Any], status)

    async def _remove_listener(self, event: str, handler: Handler) -> dict[str, Any] | None:
        topic = self._topics.get(event)
        if topic is None or handler not in topic.listeners:
            return None
        topic.listeners.remove(handler)
        if topic.listeners:
            return None
        del self._topics[event]
        if self._state is not State.CONNECTED:
            return None  # the server forgot the subscription with the connection
        return cast(dict[str, Any], await self.call("rpc.off", [event]))

    # ---- internals: connection life ----

    async def _open(self) -> ClientConnection:
        options: dict[str, Any] = {}
        if self.ssl is not None:
            options["ssl"] = self.ssl
        return await connect(
            self.url,
            additional_headers=self.headers or None,
            subprotocols=[Subprotocol(p) for p in self.subprotocols] or None,
            open_timeout=self.open_timeout,
            close_timeout=self.close_timeout,
            max_size=self.max_size,
            ping_interval=None,  # our own heartbeat: any frame counts, and a dead peer means 1006
            **options,
        )

    def _attach(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._last_received = asyncio.get_running_loop().time()
        self._emit("open")

    async def _retry_first_connect(self, failure: Exception) -> ClientConnection:
        """The first handshake failed: reconnect attempts, which close() cancels, or NotConnectedError."""
        self._last_close = (ABNORMAL_CLOSURE, "")
        retries: asyncio.Task[ClientConnection | None] | None = None
        if self.reconnect and not self._closing:
            retries = asyncio.get_running_loop().create_task(self._reconnect())
            self._supervisor = retries
            try:
                await asyncio.wait({retries})
            except asyncio.CancelledError:
                retries.cancel()
                self._set_state(State.CLOSED)
                raise
            finally:
                self._supervisor = None
        ws = None if retries is None or retries.cancelled() else retries.result()
        if ws is None:
            self._set_state(State.CLOSED)
            why = "client closed while connecting" if self._closing else f"cannot connect to {self.url}: {failure}"
            raise NotConnectedError(why) from failure
        return ws

    async def _supervise(self, ws: ClientConnection) -> None:
        """Owns the connection from the first open to CLOSED: serve, then reconnect and restore."""
        restore: bool | None = None  # None on the first connection, else "events may have been missed"
        try:
            while True:
                code, reason = await self._serve(ws, restore)
                self._ws = None
                self._last_close = (code, reason)
                self._fail_pending(code, reason)
                self._emit("close", code, reason)
                if self._closing or code == NORMAL_CLOSURE or not self.reconnect:
                    return
                restore = bool(self._topics)
                reopened = await self._reconnect()
                if reopened is None:
                    return
                ws = reopened
                self._attach(ws)
        finally:
            self._ws = None
            self._set_state(State.CLOSED)

    async def _serve(self, ws: ClientConnection, restore: bool | None) -> tuple[int, str]:
        """Read until the connection ends; returns its close code and reason."""
        loop = asyncio.get_running_loop()
        helpers: list[asyncio.Task[None]] = []
        if self.ping_interval:
            helpers.append(loop.create_task(self._heartbeat(ws, self.ping_interval)))
        if restore is not None:
            helpers.append(loop.create_task(self._restore(restore)))
        try:
            while True:
                try:
                    message = await ws.recv()
                except ConnectionClosed as exc:
                    frame = exc.rcvd
                    return (frame.code, frame.reason) if frame else (ABNORMAL_CLOSURE, "")
                self._last_received = loop.time()
                self._dispatch(message)
        finally:
            for helper in helpers:
                helper.cancel()

    async def _reconnect(self) -> ClientConnection | None:
        attempt = 0
        while True:
            if self.max_reconnects and attempt >= self.max_reconnects:
                self._emit("max_reconnects_reached", *self._last_close)
                return None
            attempt += 1
            self._set_state(State.RECONNECTING)
            delay = reconnect_delay(
                attempt,
                self.reconnect_interval,
                backoff=self.backoff,
                max_delay=self.max_reconnect_delay,
            )
            await asyncio.sleep(delay)
            self._emit("reconnecting", attempt, delay)
            self._set_state(State.CONNECTING)
            try:
                return await self._open()
            except Exception as exc:
                logger.info("reconnect attempt %d to %s failed: %s", attempt, self.url, exc)
                self._last_close = (ABNORMAL_CLOSURE, "")
                self._emit("error", exc)

    async def _restore(self, events_may_have_been_missed: bool) -> None:
        """Log in and re-subscribe before the application sees ``reconnected``."""
        ws = self._ws
        assert ws is not None
        if self.restore_on_reconnect:
            if self._login is not None:
                try:
                    result = await self._request(ws, "rpc.login", self._login[0], self._deadline(DEFAULT))
                    if not result:
                        raise AuthError("re-login after reconnect failed", result)
                except RpcError as exc:
                    self._emit("error", exc)
            # One rpc.on per event: a protected event refused must not take the others with it.
            outcomes = await asyncio.gather(
                *(self._resubscribe(ws, event) for event in list(self._topics)),
                return_exceptions=True,
            )
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    self._emit("error", outcome)
        self._set_state(State.CONNECTED)
        self._emit("reconnected", events_may_have_been_missed)

    async def _resubscribe(self, ws: ClientConnection, event: str) -> None:
        status = await self._request(ws, "rpc.on", [event], self._deadline(DEFAULT))
        value = status.get(event) if isinstance(status, dict) else status
        if value not in protocol.SUBSCRIBED_STATUSES:
            raise SubscriptionError(event, value)

    async def _heartbeat(self, ws: ClientConnection, interval: float) -> None:
        """Ping every ``interval``; no pong and no other frame within ``pong_timeout``: abort (1006)."""
        while True:
            await asyncio.sleep(interval)
            sent_at = asyncio.get_running_loop().time()
            try:
                pong = await ws.ping()
                await asyncio.wait_for(asyncio.shield(pong), self.pong_timeout)
            except ConnectionClosed:
                return
            except asyncio.TimeoutError:
                if self._last_received >= sent_at:
                    continue  # the peer is talking, just not ponging yet
                logger.warning(
                    "no pong from %s within %.3gs: dropping the connection", self.url, self.pong_timeout
                )
                # No close handshake: a peer that does not answer pings will not answer that either.
                ws.transport.abort()
                return

    def _fail_pending(self, code: int, reason: str) -> None:
        for reply in self._pending.values():
            if not reply.done():
                reply.set_exception(ConnectionLostError(f"connection closed ({code} {reason})".strip()))

    def _set_state(self, state: State) -> None:
        self._state = state
        self._state_changed.set()
        self._state_changed = asyncio.Event()

    # ---- internals: dispatch ----

    def _dispatch(self, message: str | bytes) -> None:
        item = protocol.classify(message, self._pending)
        if isinstance(item, protocol.Reply):
            reply = self._pending[item.key]
            if reply.done():
                return
            try:
                reply.set_result(protocol.reply_outcome(item.frame))
            except RpcError as exc:
                reply.set_exception(exc)
        elif isinstance(item, protocol.Event):
            topic = self._topics.get(item.name)
            listeners = (topic.listeners if topic else []) + self._local.get(item.name, [])
            for handler in listeners:
                self._schedule(handler, item.args)
        else:
            logger.debug("ignored a frame from %s: %s", self.url, item.reason)

    def _emit(self, name: str, *args: Any) -> None:
        for callback in self._lifecycle[name]:
            self._schedule(callback, args)

    def _schedule(self, handler: Handler, args: tuple[Any, ...]) -> None:
        # call_soon keeps arrival order and keeps slow listeners out of the read loop.
        asyncio.get_running_loop().call_soon(self._run_listener, handler, args)

    def _run_listener(self, handler: Handler, args: tuple[Any, ...]) -> None:
        try:
            outcome = handler(*args)
        except Exception:
            logger.exception("listener %r failed", handler)
            return
        if inspect.isawaitable(outcome):
            task = asyncio.ensure_future(outcome)
            self._tasks.add(task)
            task.add_done_callback(self._listener_done)

    def _listener_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("listener failed", exc_info=task.exception())


def _remaining(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    return max(0.0, deadline - asyncio.get_running_loop().time())


def _settle_with(future: asyncio.Future[_T], exc: BaseException) -> None:
    """Pass a failed subscribe on to concurrent subscribers of the same event."""
    if future.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
    else:
        future.set_exception(exc)
        future.exception()  # nobody else may be waiting: do not log it as never retrieved
