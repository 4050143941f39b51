"""The connection state machine of docs/client-behaviour.md ("States", "Reconnect and restore"), without I/O.

Both clients drive one :class:`Lifecycle`: they report what happened to their connection (opened, dropped,
an attempt failed) and it decides what comes next (another attempt after a delay, or the end), changes the
state and emits the lifecycle events. The clients only wait, open sockets and restore.
"""

from __future__ import annotations

import enum
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("rpcws_client")

# A WebSocket close code meaning "normal": the reference never reconnects after it, whoever sent it.
NORMAL_CLOSURE = 1000
# What a connection that ended without a close frame reports (RFC 6455 7.1.5).
ABNORMAL_CLOSURE = 1006


class State(str, enum.Enum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    CLOSED = "closed"


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


@dataclass(frozen=True)
class ReconnectPolicy:
    """When and how often to reconnect; ``max_attempts`` 0 means unlimited."""

    enabled: bool = True
    interval: float = 1.0
    max_attempts: int = 5
    backoff: bool = False
    max_delay: float = 30.0

    def delay(self, attempt: int) -> float:
        return reconnect_delay(attempt, self.interval, backoff=self.backoff, max_delay=self.max_delay)


@dataclass(frozen=True)
class Retry:
    """Wait ``delay`` seconds, then make reconnect attempt ``attempt``."""

    attempt: int
    delay: float


class Lifecycle:
    """The state, the reconnect attempts and the lifecycle events of one client.

    ``emit(name, *args)`` tells the application's callbacks; ``on_state(state)`` tells the client's own
    waiters. Not thread-safe: the synchronous client holds its lock.
    """

    def __init__(
        self,
        url: str,
        policy: ReconnectPolicy,
        emit: Callable[..., None],
        on_state: Callable[[State], None],
    ) -> None:
        self.url = url
        self.policy = policy
        self.state = State.DISCONNECTED
        #: The application called close(): nothing reconnects any more.
        self.closing = False
        self._emit = emit
        self._on_state = on_state
        self._attempts = 0
        self._last_close: tuple[int, str] = (ABNORMAL_CLOSURE, "")
        # Whether this connect() cycle was connected before: the next open is a reconnect.
        self._was_connected = False

    def start(self) -> bool:
        """connect() was called: whether to open a connection (False while connecting or connected)."""
        if self.state in (State.CONNECTING, State.CONNECTED, State.RECONNECTING):
            return False
        self.closing = False
        self._attempts = 0
        self._was_connected = False
        self._set(State.CONNECTING)
        return True

    def opened(self) -> bool:
        """A connection opened: emits ``open``. Returns whether it is a reconnect, which the client restores
        and then reports with :meth:`restored`; the state stays CONNECTING until then, so that no
        application call runs before the login and the subscriptions are back."""
        self._attempts = 0
        self._emit("open")
        reconnect, self._was_connected = self._was_connected, True
        if not reconnect:
            self._set(State.CONNECTED)
        return reconnect

    def restored(self, events_may_have_been_missed: bool) -> None:
        self._set(State.CONNECTED)
        self._emit("reconnected", events_may_have_been_missed)

    def dropped(self, code: int, reason: str) -> Retry | None:
        """The open connection ended with ``code``: emits ``close``; the next attempt, or None when final."""
        self._last_close = (code, reason)
        self._emit("close", code, reason)
        if self.closing or code == NORMAL_CLOSURE or not self.policy.enabled:
            self._set(State.CLOSED)
            return None
        return self._next_attempt()

    def failed(self, error: Exception) -> Retry | None:
        """An attempt to connect (the first one included) failed: emits ``error``; the next attempt, or None."""
        if self._attempts:
            logger.info("reconnect attempt %d to %s failed: %s", self._attempts, self.url, error)
        self._last_close = (ABNORMAL_CLOSURE, "")
        self._emit("error", error)
        if self.closing or not self.policy.enabled:
            self._set(State.CLOSED)
            return None
        return self._next_attempt()

    def attempting(self) -> None:
        """The wait is over and an attempt begins."""
        self._set(State.CONNECTING)

    def close(self) -> None:
        """The application closes: no further attempt."""
        self.closing = True

    def finished(self) -> None:
        """The client's connection work is over."""
        self._set(State.CLOSED)

    def _next_attempt(self) -> Retry | None:
        if self.policy.max_attempts and self._attempts >= self.policy.max_attempts:
            self._emit("max_reconnects_reached", *self._last_close)
            self._set(State.CLOSED)
            return None
        self._attempts += 1
        retry = Retry(self._attempts, self.policy.delay(self._attempts))
        self._set(State.RECONNECTING)
        # Announced when the wait begins, so a UI can show "reconnecting in 2 s" (as the Java SDK does).
        self._emit("reconnecting", retry.attempt, retry.delay)
        return retry

    def _set(self, state: State) -> None:
        self.state = state
        self._on_state(state)

