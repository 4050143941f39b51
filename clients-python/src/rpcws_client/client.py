"""The asyncio client: one WebSocket connection to an rpc-websockets server, kept alive.

Behaviour follows docs/client-behaviour.md. A client belongs to one event loop: the one running when it
was created, or else the one that first used it. Everything runs there; listeners are called from that loop
too, never from inside the read loop, in the order the frames arrived. Used from another loop or thread, it
raises :class:`WrongLoopError` at once.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, Union, cast

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from . import heartbeat, protocol
from .callbacks import Handler, LifecycleEvent, call_listener, logger
from .core import DEFAULT, ClientCore, Timeout, closed_why, remaining
from .errors import (
    CallTimeoutError,
    ConnectionLostError,
    NotConnectedError,
    RpcError,
    WrongLoopError,
)
from .lifecycle import ABNORMAL_CLOSURE, NORMAL_CLOSURE, Retry, State
from .subscriptions import SubscriptionHandle

_T = TypeVar("_T")
Confirmation = asyncio.Future[dict[str, Any]]


class Subscription(SubscriptionHandle[Awaitable[Union[dict[str, Any], None]]]):
    """Returned by :meth:`Client.subscribe`; closing it removes its listener."""

    async def close(self) -> dict[str, Any] | None:
        """Remove the listener; the event's last listener sends ``rpc.off`` and returns its status map."""
        return await self._remove()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class Client(ClientCore[Confirmation]):
    """An rpc-websockets client on asyncio. Durations are in seconds; 0 or None disables a timeout/heartbeat.

    ``async with Client("ws://127.0.0.1:8080/chat") as client: await client.call("chatOnly")``

    The namespace is the URL's path. Options are described in docs/client-behaviour.md and on
    :class:`~rpcws_client.core.ClientCore`.
    """

    _loop: asyncio.AbstractEventLoop | None = None
    _ws: ClientConnection | None = None
    # Owns the connection from the first open to CLOSED; during a first connect, its retries.
    _supervisor: asyncio.Task[Any] | None = None

    def _setup(self) -> None:
        # Replaced on every state change; waiters hold the old one, which gets set.
        self._state_event = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()  # listener coroutines, kept referenced
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            pass  # bound when first used

    # ---- properties ----

    @property
    def subprotocol(self) -> str | None:
        """The subprotocol the server selected on the current connection."""
        return self._ws.subprotocol if self._ws is not None else None

    # ---- connection ----

    async def connect(self) -> None:
        """Open the connection. If the first handshake fails, the reconnect rules apply, as in the reference
        client: attempts follow until one succeeds, or NotConnectedError once the client gives up (at once
        with ``reconnect=False``), in state CLOSED.

        No-op while connecting or connected. A closed client may connect again.
        """
        loop = self._own_loop()
        if not self._lifecycle.start():
            return
        try:
            ws = await self._open()
        except asyncio.CancelledError:
            self._lifecycle.finished()
            raise
        except Exception as exc:
            ws = await self._retry_first_connect(self._lifecycle.failed(exc), exc)
        if self._lifecycle.closing:  # close() was called during the handshake
            await ws.close()
            self._lifecycle.finished()
            raise NotConnectedError("client closed while connecting")
        self._attach(ws)
        self._lifecycle.opened()
        self._supervisor = loop.create_task(self._supervise(ws))

    async def close(self, code: int = NORMAL_CLOSURE, reason: str = "") -> None:
        """Close for good (whatever ``code``): no reconnect follows. Pending calls fail."""
        self._own_loop()
        self._lifecycle.close()
        ws, supervisor = self._ws, self._supervisor
        if ws is not None:
            await ws.close(code, reason)
        elif supervisor is not None:
            supervisor.cancel()  # waiting between reconnect attempts, or in a handshake
        if supervisor is not None:
            await asyncio.wait({supervisor})
        self._lifecycle.finished()

    async def __aenter__(self) -> Client:
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def pause_reading(self) -> None:
        """Stop reading the socket, as a stalled process would: pings go unanswered, frames queue.

        Meant for testing liveness detection; :meth:`resume_reading` undoes it.
        """
        self._check_caller()
        if self._ws is not None:
            self._ws.transport.pause_reading()

    def resume_reading(self) -> None:
        self._check_caller()
        if self._ws is not None:
            self._ws.transport.resume_reading()

    # ---- calls ----

    async def call(self, method: str, params: Any = None, timeout: Timeout = DEFAULT) -> Any:
        """Call ``method`` and return its result.

        ``params`` (a list or a dict) is omitted from the frame when None. ``timeout`` defaults to
        ``call_timeout``; None or 0 waits forever. Raises an RpcError subclass; EncodingError (params JSON
        cannot hold, such as NaN) fails this call alone, before anything is sent.
        """
        self._own_loop()
        deadline = self._deadline(timeout)
        ws = await self._connection(method, deadline)
        return await self._request(ws, method, params, deadline)

    async def notify(self, method: str, params: Any = None) -> None:
        """Send a notification (no id, no reply)."""
        self._own_loop()
        frame = protocol.encode_notification(method, params)
        ws = await self._connection(method, self._deadline(DEFAULT))
        try:
            await ws.send(frame)
        except ConnectionClosed as exc:
            raise ConnectionLostError(f"{method}: connection lost while sending", method=method) from exc

    async def login(self, params: Any, timeout: Timeout = DEFAULT) -> Any:
        """``rpc.login``; a falsy result raises AuthError. Remembered for restore after reconnect."""
        return self._remember_login(params, await self.call(protocol.RPC_LOGIN, params, timeout))

    async def list_methods(self, timeout: Timeout = DEFAULT) -> list[str]:
        return cast(list[str], await self.call(protocol.LIST_METHODS, None, timeout))

    # ---- events ----

    async def subscribe(self, event: str, handler: Handler) -> Subscription:
        """Call ``handler(*args)`` for every ``event``; the event's first listener sends ``rpc.on``.

        Raises SubscriptionError for a status other than ok / already subscribed, ServerError for
        an error reply (e.g. -32606 Event forbidden). ``handler`` may be a coroutine function.
        """
        loop = self._own_loop()
        topic, first = self._subscriptions.add(event, handler, loop.create_future)
        try:
            if first:
                topic.confirmed.set_result(await self._server_subscribe(event))
            status = await asyncio.shield(topic.confirmed)
        except BaseException as exc:
            if first:
                self._subscriptions.abandon(event, topic)
                _settle_with(topic.confirmed, exc)
            else:
                self._subscriptions.discard(event, handler)
            raise
        return Subscription(event, status, functools.partial(self._remove_listener, event, handler))

    async def unsubscribe(self, event: str) -> dict[str, Any]:
        """Remove every listener of ``event`` and send ``rpc.off``; returns the server's status map."""
        self._own_loop()
        self._subscriptions.drop(event)
        return cast(dict[str, Any], await self.call(protocol.RPC_OFF, [event]))

    def on(self, name: LifecycleEvent, callback: Handler) -> Callable[[], None]:
        self._check_caller()
        return super().on(name, callback)

    on.__doc__ = ClientCore.on.__doc__

    def listen(self, event: str, handler: Handler) -> Callable[[], None]:
        self._check_caller()
        return super().listen(event, handler)

    listen.__doc__ = ClientCore.listen.__doc__

    # ---- internals: the event loop this client belongs to ----

    def _own_loop(self) -> asyncio.AbstractEventLoop:
        """The running loop, which must be this client's (binding the client to it if it has none yet)."""
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif loop is not self._loop:
            raise self._wrong_loop(loop)
        return loop

    def _check_caller(self) -> None:
        """For plain methods: once bound, only code running on this client's loop may use it."""
        if self._loop is None:
            return
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not self._loop:
            raise self._wrong_loop(running)

    def _wrong_loop(self, running: asyncio.AbstractEventLoop | None) -> WrongLoopError:
        where = f"event loop {running!r}" if running is not None else "no running event loop"
        return WrongLoopError(
            f"this Client belongs to event loop {self._loop!r} but was used from {where} (thread "
            f"{threading.current_thread().name!r}); create a Client per event loop, or use "
            "rpcws_client.sync.Client from threads"
        )

    # ---- internals: requests ----

    async def _connection(self, method: str, deadline: float | None) -> ClientConnection:
        """The open connection, or wait for one (``wait_for_reconnect``), or NotConnectedError."""
        while True:
            if self.state is State.CONNECTED and self._ws is not None:
                return self._ws
            waiting_helps = self.state in (State.CONNECTING, State.RECONNECTING)
            if not (self.wait_for_reconnect and waiting_helps):
                raise NotConnectedError(f"{method}: not connected (state {self.state.value})", method=method)
            changed = self._state_event
            try:
                await asyncio.wait_for(changed.wait(), remaining(deadline))
            except asyncio.TimeoutError:
                raise CallTimeoutError(
                    f"{method}: timed out waiting for the connection", method=method
                ) from None

    async def _request(self, ws: ClientConnection, method: str, params: Any, deadline: float | None) -> Any:
        reply: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        key, frame = self._calls.open(method, params, reply)
        try:
            try:
                await ws.send(frame)
            except ConnectionClosed as exc:
                raise ConnectionLostError(f"{method}: connection lost while sending", method=method) from exc
            try:
                return await asyncio.wait_for(reply, remaining(deadline))
            except asyncio.TimeoutError:
                raise CallTimeoutError(f"{method}: reply timeout", method=method) from None
        finally:
            # A late reply finds no entry and is dropped.
            self._calls.forget(key)
            if reply.done() and not reply.cancelled():
                reply.exception()  # mark retrieved: a drop may settle it after send() failed

    async def _server_subscribe(self, event: str) -> dict[str, Any]:
        deadline = self._deadline(DEFAULT)
        ws = await self._connection(protocol.RPC_ON, deadline)
        return protocol.subscribed_status(event, await self._request(ws, protocol.RPC_ON, [event], deadline))

    async def _remove_listener(self, event: str, handler: Handler) -> dict[str, Any] | None:
        self._own_loop()
        if not self._subscriptions.remove(event, handler):
            return None
        if self.state is not State.CONNECTED:
            return None  # the server forgot the subscription with the connection
        return cast(dict[str, Any], await self.call(protocol.RPC_OFF, [event]))

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
            ping_interval=None,  # our own heartbeat (heartbeat.py)
            **options,
        )

    def _attach(self, ws: ClientConnection) -> None:
        self._ws = ws
        self._last_received = time.monotonic()

    async def _attempts(self, retry: Retry | None) -> ClientConnection | None:
        """Waits and attempts as the lifecycle says; the new connection, or None once it gives up."""
        while retry is not None:
            await asyncio.sleep(retry.delay)
            self._lifecycle.attempting()
            try:
                return await self._open()
            except Exception as exc:
                retry = self._lifecycle.failed(exc)
        return None

    async def _retry_first_connect(self, retry: Retry | None, failure: Exception) -> ClientConnection:
        """The first handshake failed: reconnect attempts, which close() cancels, or NotConnectedError."""
        attempts = asyncio.get_running_loop().create_task(self._attempts(retry))
        self._supervisor = attempts
        try:
            await asyncio.wait({attempts})
        except asyncio.CancelledError:
            attempts.cancel()
            self._lifecycle.finished()
            raise
        finally:
            self._supervisor = None
        ws = None if attempts.cancelled() else attempts.result()
        if ws is None:
            self._lifecycle.finished()
            closed = self._lifecycle.closing
            why = "client closed while connecting" if closed else f"cannot connect to {self.url}: {failure}"
            raise NotConnectedError(why) from failure
        return ws

    async def _supervise(self, ws: ClientConnection) -> None:
        """Owns the connection from the first open to CLOSED: serve, then reconnect and restore."""
        missed: bool | None = None  # None on the first connection, else "events may have been missed"
        try:
            while True:
                code, reason = await self._serve(ws, missed)
                self._ws = None
                self._calls.fail_all(ConnectionLostError, closed_why(code, reason))
                missed = bool(self._subscriptions.events)
                reopened = await self._attempts(self._lifecycle.dropped(code, reason))
                if reopened is None:
                    return
                ws = reopened
                self._attach(ws)
                self._lifecycle.opened()
        finally:
            self._ws = None
            self._lifecycle.finished()

    async def _serve(self, ws: ClientConnection, missed: bool | None) -> tuple[int, str]:
        """Read until the connection ends; returns its close code and reason. Restores a reconnection."""
        loop = asyncio.get_running_loop()
        helpers: list[asyncio.Task[None]] = []
        if self.ping_interval:
            beat = heartbeat.keep_alive(ws, self.url, self.ping_interval, self.pong_timeout, self._last_frame)
            helpers.append(loop.create_task(beat))
        if missed is not None:
            helpers.append(loop.create_task(self._restore(ws, missed)))
        try:
            while True:
                try:
                    message = await ws.recv()
                except ConnectionClosed as exc:
                    frame = exc.rcvd
                    return (frame.code, frame.reason) if frame else (ABNORMAL_CLOSURE, "")
                for handler, args in self._inbound(message):
                    self._schedule(handler, args)
        finally:
            for helper in helpers:
                helper.cancel()

    def _last_frame(self) -> float:
        return self._last_received

    async def _restore(self, ws: ClientConnection, events_may_have_been_missed: bool) -> None:
        """Log in and re-subscribe before the application sees ``reconnected``."""
        if self.restore_on_reconnect:
            if self._login is not None:
                params = self._login[0]
                try:
                    result = await self._request(ws, protocol.RPC_LOGIN, params, self._deadline(DEFAULT))
                    self._remember_login(params, result)
                except RpcError as exc:
                    self._callbacks.emit("error", exc)
            # One rpc.on per event: a protected event refused must not take the others with it.
            outcomes = await asyncio.gather(
                *(self._resubscribe(ws, event) for event in self._subscriptions.events),
                return_exceptions=True,
            )
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    self._callbacks.emit("error", outcome)
        self._lifecycle.restored(events_may_have_been_missed)

    async def _resubscribe(self, ws: ClientConnection, event: str) -> None:
        result = await self._request(ws, protocol.RPC_ON, [event], self._deadline(DEFAULT))
        protocol.subscribed_status(event, result)

    def _state_changed(self, state: State) -> None:
        self._state_event.set()
        self._state_event = asyncio.Event()

    # ---- internals: application code ----

    def _schedule(self, handler: Handler, args: tuple[Any, ...]) -> None:
        # call_soon keeps arrival order and keeps slow listeners out of the read loop.
        assert self._loop is not None
        self._loop.call_soon(self._run_listener, handler, args)

    def _run_listener(self, handler: Handler, args: tuple[Any, ...]) -> None:
        outcome = call_listener(handler, args)
        if inspect.isawaitable(outcome):
            task = asyncio.ensure_future(outcome)
            self._tasks.add(task)
            task.add_done_callback(self._listener_done)

    def _listener_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("listener failed", exc_info=task.exception())


def _settle_with(future: asyncio.Future[_T], exc: BaseException) -> None:
    """Pass a failed subscribe on to concurrent subscribers of the same event."""
    if future.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
    else:
        future.set_exception(exc)
        future.exception()  # nobody else may be waiting: do not log it as never retrieved
