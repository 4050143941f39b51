"""The synchronous client, for scripts and notebooks, on the ``websockets`` library's threading client.

The same calls, subscriptions, login, reconnect with restore, heartbeat and timeouts as the asyncio
client (docs/client-behaviour.md), and the same errors; every method blocks until done and may be called
from any thread::

    from rpcws_client.sync import Client

    with Client("ws://127.0.0.1:8080/") as client:
        print(client.call("sum", [1, 2]))

Threads of one client (a script that forgets ``close()`` still exits: the first three are daemons, and the
listener thread ends with the interpreter once idle):

- ``rpcws-connection``: opens the connection, reads it, reconnects; from ``connect()`` until CLOSED;
- ``rpcws-heartbeat`` while connected with a heartbeat, and ``rpcws-restore`` while a reconnection restores
  the login and the subscriptions;
- ``rpcws-listeners_0``: runs event listeners and lifecycle callbacks one at a time, in the order the frames
  and events arrived. A listener may use the client (a call made there waits for its reply while the
  connection thread goes on reading), but a slow listener delays the listeners after it.
"""

from __future__ import annotations

import concurrent.futures
import functools
import inspect
import socket
import ssl
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, ContextManager, Union, cast

from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from . import heartbeat, protocol
from .callbacks import Handler, call_listener, logger
from .core import DEFAULT, ClientCore, Timeout, closed_why, remaining
from .errors import (
    AuthError,
    CallTimeoutError,
    ConnectionLostError,
    EncodingError,
    MalformedReplyError,
    NotConnectedError,
    RpcConnectionError,
    RpcError,
    ServerError,
    SubscriptionError,
)
from .lifecycle import ABNORMAL_CLOSURE, NORMAL_CLOSURE, Retry, State
from .subscriptions import SubscriptionHandle
from .tls import SerializedTLSSocket

__all__ = [
    "DEFAULT",
    "AuthError",
    "CallTimeoutError",
    "Client",
    "ConnectionLostError",
    "EncodingError",
    "MalformedReplyError",
    "NotConnectedError",
    "RpcConnectionError",
    "RpcError",
    "ServerError",
    "State",
    "Subscription",
    "SubscriptionError",
]

Confirmation = Future[dict[str, Any]]


class Subscription(SubscriptionHandle[Union[dict[str, Any], None]]):
    """Returned by :meth:`Client.subscribe`; closing it removes its listener."""

    def close(self) -> dict[str, Any] | None:
        """Remove the listener; the event's last listener sends ``rpc.off`` and returns its status map."""
        return self._remove()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Client(ClientCore[Confirmation]):
    """A blocking rpc-websockets client. Durations are in seconds; 0 or None disables a timeout/heartbeat.

    Takes the options of the asyncio client (docs/client-behaviour.md), except that it cannot pause its
    reading. Listeners must be plain functions; they run on the client's ``rpcws-listeners`` thread.
    """

    def _setup(self) -> None:
        # One lock over the shared state; the condition wakes calls waiting for the connection.
        self._lock = threading.RLock()
        self._state_condition = threading.Condition(self._lock)
        self._ws: ClientConnection | None = None
        self._thread: threading.Thread | None = None
        self._listener_thread: ThreadPoolExecutor | None = None
        self._closed = threading.Event()  # set by close(): ends the wait between attempts at once

    @property
    def _guard(self) -> ContextManager[Any]:
        return self._lock

    @property
    def subprotocol(self) -> str | None:
        """The subprotocol the server selected on the current connection."""
        ws = self._ws
        return ws.subprotocol if ws is not None else None

    # ---- connection ----

    def connect(self) -> None:
        """Open the connection. If the first handshake fails, the reconnect rules apply: attempts follow
        until one succeeds, or NotConnectedError once the client gives up (at once with
        ``reconnect=False``), in state CLOSED.

        No-op while connecting or connected. A closed client may connect again.
        """
        opened: Future[None] = Future()
        with self._lock:
            if not self._lifecycle.start():
                return
            if self._listener_thread is None:
                self._listener_thread = ThreadPoolExecutor(1, thread_name_prefix="rpcws-listeners")
            self._closed.clear()
            self._thread = threading.Thread(target=self._run, args=(opened,), name="rpcws-connection", daemon=True)
            self._thread.start()
        opened.result()

    def close(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        """Close for good (whatever ``code``): no reconnect follows. Pending calls fail.

        Returns once the connection is closed; callbacks still queued run afterwards.
        """
        with self._lock:
            self._lifecycle.close()
            self._closed.set()
            ws, thread = self._ws, self._thread
        if ws is not None:
            ws.close(code, reason)
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        with self._lock:
            self._lifecycle.finished()
            listener_thread, self._listener_thread = self._listener_thread, None
        if listener_thread is not None:
            listener_thread.shutdown(wait=False)  # what was queued still runs

    def __enter__(self) -> Client:
        self.connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- calls ----

    def call(self, method: str, params: Any = None, timeout: Timeout = DEFAULT) -> Any:
        """Call ``method`` and return its result.

        ``params`` (a list or a dict) is omitted from the frame when None. ``timeout`` defaults to
        ``call_timeout``; None or 0 waits forever. Raises an RpcError subclass; EncodingError (params JSON
        cannot hold, such as NaN) fails this call alone, before anything is sent.
        """
        deadline = self._deadline(timeout)
        ws = self._connection(method, deadline)
        return self._request(ws, method, params, deadline)

    def notify(self, method: str, params: Any = None) -> None:
        """Send a notification (no id, no reply)."""
        frame = protocol.encode_notification(method, params)
        ws = self._connection(method, self._deadline(DEFAULT))
        try:
            ws.send(frame)
        except ConnectionClosed as exc:
            raise ConnectionLostError(f"{method}: connection lost while sending", method=method) from exc

    def login(self, params: Any, timeout: Timeout = DEFAULT) -> Any:
        """``rpc.login``; a falsy result raises AuthError. Remembered for restore after reconnect."""
        result = self.call(protocol.RPC_LOGIN, params, timeout)
        with self._lock:
            return self._remember_login(params, result)

    def list_methods(self, timeout: Timeout = DEFAULT) -> list[str]:
        return cast(list[str], self.call(protocol.LIST_METHODS, None, timeout))

    # ---- events ----

    def subscribe(self, event: str, handler: Handler) -> Subscription:
        """Call ``handler(*args)`` on the listener thread for every ``event``; the event's first listener
        sends ``rpc.on``.

        Raises SubscriptionError for a status other than ok / already subscribed, ServerError for an error
        reply (e.g. -32606 Event forbidden).
        """
        with self._lock:
            topic, first = self._subscriptions.add(event, handler, Future)
        try:
            if first:
                topic.confirmed.set_result(self._server_subscribe(event))
            status = topic.confirmed.result()
        except BaseException as exc:
            with self._lock:
                if first:
                    self._subscriptions.abandon(event, topic)
                else:
                    self._subscriptions.discard(event, handler)
            if not topic.confirmed.done():
                topic.confirmed.set_exception(exc)  # for the subscribers waiting on the first
            raise
        return Subscription(event, status, functools.partial(self._remove_listener, event, handler))

    def unsubscribe(self, event: str) -> dict[str, Any]:
        """Remove every listener of ``event`` and send ``rpc.off``; returns the server's status map."""
        with self._lock:
            self._subscriptions.drop(event)
        return cast(dict[str, Any], self.call(protocol.RPC_OFF, [event]))

    # ---- internals: requests ----

    def _connection(self, method: str, deadline: float | None) -> ClientConnection:
        """The open connection, or wait for one (``wait_for_reconnect``), or NotConnectedError."""
        with self._lock:
            while True:
                state = self._lifecycle.state
                if state is State.CONNECTED and self._ws is not None:
                    return self._ws
                if not (self.wait_for_reconnect and state in (State.CONNECTING, State.RECONNECTING)):
                    raise NotConnectedError(f"{method}: not connected (state {state.value})", method=method)
                left = remaining(deadline)
                if left == 0:
                    raise CallTimeoutError(f"{method}: timed out waiting for the connection", method=method)
                self._state_condition.wait(left)

    def _request(self, ws: ClientConnection, method: str, params: Any, deadline: float | None) -> Any:
        reply: Future[Any] = Future()
        with self._lock:
            if self._ws is not ws:  # dropped since: its pending calls were failed already
                raise ConnectionLostError(f"{method}: connection lost", method=method)
            key, frame = self._calls.open(method, params, reply)
        try:
            try:
                ws.send(frame)
            except ConnectionClosed as exc:
                raise ConnectionLostError(f"{method}: connection lost while sending", method=method) from exc
            done, _ = concurrent.futures.wait([reply], remaining(deadline))
            if not done:
                raise CallTimeoutError(f"{method}: reply timeout", method=method)
            return reply.result()
        finally:
            with self._lock:
                self._calls.forget(key)  # a late reply finds no entry and is dropped

    def _server_subscribe(self, event: str) -> dict[str, Any]:
        deadline = self._deadline(DEFAULT)
        ws = self._connection(protocol.RPC_ON, deadline)
        return protocol.subscribed_status(event, self._request(ws, protocol.RPC_ON, [event], deadline))

    def _remove_listener(self, event: str, handler: Handler) -> dict[str, Any] | None:
        with self._lock:
            last = self._subscriptions.remove(event, handler)
            connected = self._lifecycle.state is State.CONNECTED
        if not (last and connected):
            return None  # others still listen, or the server forgot the subscription with the connection
        return cast(dict[str, Any], self.call(protocol.RPC_OFF, [event]))

    # ---- internals: the connection thread ----

    def _open(self) -> ClientConnection:
        return connect(
            self.url,
            additional_headers=self.headers or None,
            subprotocols=[Subprotocol(p) for p in self.subprotocols] or None,
            ssl=self.ssl,
            open_timeout=self.open_timeout,
            close_timeout=self.close_timeout,
            max_size=self.max_size,
            ping_interval=None,  # our own heartbeat (heartbeat.py)
            create_connection=_Connection,
        )

    def _run(self, opened: Future[None]) -> None:
        """The connection thread: from the first attempt to CLOSED."""
        try:
            try:
                ws: ClientConnection | None = self._open()
            except Exception as exc:
                with self._lock:
                    retry = self._lifecycle.failed(exc)
                ws = self._attempts(retry)
                if ws is None:
                    closed = self._lifecycle.closing
                    why = "client closed while connecting" if closed else f"cannot connect to {self.url}: {exc}"
                    opened.set_exception(NotConnectedError(why))
                    return
            missed: bool | None = None  # "events may have been missed" after a reconnection
            while ws is not None:
                ended = self._serve(ws, missed, opened)
                if ended is None:
                    return
                code, reason = ended
                with self._lock:
                    self._ws = None
                    self._calls.fail_all(ConnectionLostError, closed_why(code, reason))
                    missed = bool(self._subscriptions.events)
                    retry = self._lifecycle.dropped(code, reason)
                ws = self._attempts(retry)
        finally:
            with self._lock:
                # A connect() after the end (e.g. from a max_reconnects_reached callback) has a thread of
                # its own by now, whose state this one must leave alone.
                if self._thread is threading.current_thread():
                    self._ws = None
                    self._lifecycle.finished()
            if not opened.done():
                opened.set_exception(NotConnectedError("client closed while connecting"))

    def _attempts(self, retry: Retry | None) -> ClientConnection | None:
        """Waits and attempts as the lifecycle says; the new connection, or None once it gives up."""
        while retry is not None:
            if self._closed.wait(retry.delay):
                return None
            with self._lock:
                if self._lifecycle.closing:
                    return None
                self._lifecycle.attempting()
            try:
                return self._open()
            except Exception as exc:
                with self._lock:
                    retry = self._lifecycle.failed(exc)
        return None

    def _serve(self, ws: ClientConnection, missed: bool | None, opened: Future[None]) -> tuple[int, str] | None:
        """Reads ``ws`` until it ends; returns its close code and reason (None: close() came during the
        handshake, so it never counted as open). Starts its heartbeat, and its restore when it is a
        reconnection."""
        with ws:  # closes it on the way out, whatever happens
            with self._lock:
                if self._lifecycle.closing:
                    return None
                self._ws = ws
                self._last_received = time.monotonic()
                reconnection = self._lifecycle.opened()
            if not opened.done():
                opened.set_result(None)
            stopped = threading.Event()
            try:
                if self.ping_interval:
                    beat = (ws, self.url, self.ping_interval, self.pong_timeout, self._last_frame, stopped)
                    _start("rpcws-heartbeat", heartbeat.keep_alive_blocking, *beat)
                if reconnection:
                    _start("rpcws-restore", self._restore, ws, bool(missed))
                while True:
                    try:
                        message = ws.recv()
                    except ConnectionClosed as exc:
                        frame = exc.rcvd
                        return (frame.code, frame.reason) if frame else (ABNORMAL_CLOSURE, "")
                    with self._lock:
                        for handler, args in self._inbound(message):
                            self._schedule(handler, args)
            finally:
                stopped.set()

    def _last_frame(self) -> float:
        return self._last_received

    def _restore(self, ws: ClientConnection, events_may_have_been_missed: bool) -> None:
        """Log in and re-subscribe before the application sees ``reconnected``; nothing is reported if
        ``ws`` dropped in the meantime (its calls failed, and the next connection restores again)."""
        errors: list[RpcError] = []
        if self.restore_on_reconnect:
            with self._lock:
                login, events = self._login, self._subscriptions.events
            if login is not None:
                try:
                    result = self._request(ws, protocol.RPC_LOGIN, login[0], self._deadline(DEFAULT))
                    with self._lock:
                        self._remember_login(login[0], result)
                except RpcError as exc:
                    errors.append(exc)
            # One rpc.on per event: a protected event refused must not take the others with it.
            for event in events:
                try:
                    result = self._request(ws, protocol.RPC_ON, [event], self._deadline(DEFAULT))
                    protocol.subscribed_status(event, result)
                except RpcError as exc:
                    errors.append(exc)
        with self._lock:
            if self._ws is not ws:
                return
            for error in errors:
                self._callbacks.emit("error", error)
            self._lifecycle.restored(events_may_have_been_missed)

    # ---- internals: hooks of the core ----

    def _state_changed(self, state: State) -> None:
        self._state_condition.notify_all()  # the lifecycle is only driven under the lock

    def _schedule(self, handler: Handler, args: tuple[Any, ...]) -> None:
        # Called under the lock, so the listener thread sees events in the order they happened.
        if self._listener_thread is not None:
            self._listener_thread.submit(_run_listener, handler, args)


class _Connection(ClientConnection):
    """websockets' connection, its TLS socket used by one thread at a time (tls.py says why)."""

    def __init__(self, sock: socket.socket, protocol: ClientProtocol, **options: Any) -> None:
        if isinstance(sock, ssl.SSLSocket):
            sock = cast(socket.socket, SerializedTLSSocket(sock))
        super().__init__(sock, protocol, **options)


def _run_listener(handler: Handler, args: tuple[Any, ...]) -> None:
    outcome = call_listener(handler, args)
    if inspect.iscoroutine(outcome):
        outcome.close()
        logger.error("listener %r is a coroutine function: the synchronous client needs a plain function", handler)


def _start(name: str, target: Callable[..., None], *args: Any) -> None:
    threading.Thread(target=target, args=args, name=name, daemon=True).start()

