"""What the asyncio and the synchronous client share: options, state machine, pending calls, subscriptions,
callbacks. Each client adds its I/O (websockets' asyncio or threading implementation) on top.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import ssl as ssl_module
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ContextManager, Generic, Literal, TypeVar, Union
from urllib.parse import urlsplit

from websockets.exceptions import InvalidURI
from websockets.uri import parse_uri

from . import protocol
from .callbacks import Callbacks, Handler, LifecycleEvent
from .errors import AuthError
from .lifecycle import Lifecycle, ReconnectPolicy, State
from .subscriptions import Subscriptions

logger = logging.getLogger("rpcws_client")

# The reference server and client (ws) accept messages up to 100 MiB; websockets defaults to 1 MiB,
# which would refuse a 1 MiB payload once wrapped in its reply.
DEFAULT_MAX_SIZE = 100 * 2**20

C = TypeVar("C")


class _UseDefault(enum.Enum):
    TOKEN = enum.auto()


#: Passed as ``timeout``: use the client's ``call_timeout``.
DEFAULT = _UseDefault.TOKEN
Timeout = Union[float, None, Literal[_UseDefault.TOKEN]]


class ClientCore(Generic[C]):
    """An rpc-websockets client's state and rules; ``C`` is the kind of future its subscriptions wait on.

    Durations are in seconds; 0 or None disables a timeout or the heartbeat. The namespace is the URL's
    path. Options are described in docs/client-behaviour.md. A malformed URL (``htp://x``) or an ``ssl``
    context with a ``ws://`` URL raises ValueError here, before any connection attempt.
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
        try:
            secure = parse_uri(url).secure
        except InvalidURI as exc:
            raise ValueError(f"not a WebSocket URL: {exc}") from exc
        if ssl is not None and not secure:
            raise ValueError(f"an ssl context needs a wss:// URL, not {url}")
        self.url = url
        self.reconnect_policy = ReconnectPolicy(
            reconnect, reconnect_interval, max_reconnects, backoff, max_reconnect_delay
        )
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

        self._callbacks = Callbacks(self._schedule)
        self._lifecycle = Lifecycle(url, self.reconnect_policy, self._callbacks.emit, self._state_changed)
        self._calls = protocol.PendingCalls()
        self._subscriptions: Subscriptions[C] = Subscriptions()
        self._login: tuple[Any] | None = None  # params of the last successful login, for restore
        self._last_received = 0.0  # time.monotonic() of the last frame, for the heartbeat
        self._setup()

    # ---- what each client provides ----

    def _setup(self) -> None:
        """The client's own state, made at the end of ``__init__``."""

    def _schedule(self, handler: Handler, args: tuple[Any, ...]) -> None:
        """Run ``handler(*args)`` where this client runs application code, after what was scheduled before."""
        raise NotImplementedError

    def _state_changed(self, state: State) -> None:
        """Wake whoever waits for a state change."""

    @property
    def _guard(self) -> ContextManager[Any]:
        """Held around shared state (a lock in the synchronous client)."""
        return contextlib.nullcontext()

    # ---- properties ----

    @property
    def state(self) -> State:
        return self._lifecycle.state

    @property
    def namespace(self) -> str:
        """The server namespace this client talks to: the URL's path, verbatim."""
        return urlsplit(self.url).path or "/"

    @property
    def pending_calls(self) -> int:
        """Calls sent and still waiting for their reply."""
        return len(self._calls)

    @property
    def subscribed_events(self) -> list[str]:
        return self._subscriptions.events

    # ---- listeners ----

    def on(self, name: LifecycleEvent, callback: Handler) -> Callable[[], None]:
        """Register a lifecycle callback; returns a function that removes it.

        ``open()``, ``close(code, reason)``, ``error(exception)``, ``reconnecting(attempt, delay_s)`` (when the
        wait before the attempt begins), ``reconnected(events_may_have_been_missed)``,
        ``max_reconnects_reached(code, reason)``.
        """
        with self._guard:
            return self._guarded(self._callbacks.on(name, callback))

    def listen(self, event: str, handler: Handler) -> Callable[[], None]:
        """Listen to ``event`` locally, without ``rpc.on``: for servers that push standard JSON-RPC
        notifications unasked. Returns a function that removes the listener."""
        with self._guard:
            return self._guarded(self._subscriptions.listen(event, handler))

    # ---- shared steps ----

    def _guarded(self, remove: Callable[[], None]) -> Callable[[], None]:
        def guarded() -> None:
            with self._guard:
                remove()

        return guarded

    def _deadline(self, timeout: Timeout) -> float | None:
        seconds = self.call_timeout if timeout is DEFAULT else timeout
        return time.monotonic() + seconds if seconds else None

    def _inbound(self, message: str | bytes) -> list[tuple[Handler, tuple[Any, ...]]]:
        """Handles one frame under the guard: settles its call, or returns the listener calls to schedule."""
        self._last_received = time.monotonic()
        item = protocol.classify(message, self._calls, self._subscriptions)
        if isinstance(item, protocol.Reply):
            self._calls.settle(item)
        elif isinstance(item, protocol.Event):
            return [(handler, item.args) for handler in self._subscriptions.listeners(item.name)]
        else:
            logger.debug("ignored a frame from %s: %s", self.url, item.reason)
        return []

    def _remember_login(self, params: Any, result: Any) -> Any:
        if not result:
            raise AuthError("rpc.login: authentication failed", result)
        self._login = (params,)
        return result


def closed_why(code: int, reason: str) -> str:
    """Why pending calls fail when a connection ends."""
    return f"connection closed ({code} {reason})" if reason else f"connection closed ({code})"


def remaining(deadline: float | None) -> float | None:
    """Seconds left until ``deadline`` (None: no deadline)."""
    return None if deadline is None else max(0.0, deadline - time.monotonic())

