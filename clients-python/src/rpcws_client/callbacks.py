"""How the application's code is called: lifecycle callbacks by name, and the guard around every listener.

Each client decides where callbacks run (the asyncio client: its event loop; the synchronous client: its
listener thread) by the ``schedule`` function it passes; this module keeps the order and the isolation: an
exception in one callback is logged (logger ``rpcws_client``) and does not affect the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

logger = logging.getLogger("rpcws_client")

Handler = Callable[..., Any]
LifecycleEvent = Literal["open", "close", "error", "reconnecting", "reconnected", "max_reconnects_reached"]
LIFECYCLE_EVENTS: frozenset[str] = frozenset(
    ("open", "close", "error", "reconnecting", "reconnected", "max_reconnects_reached")
)


def call_listener(handler: Handler, args: tuple[Any, ...]) -> Any:
    """``handler(*args)``; an exception is logged and gives None. Returns what the handler returned."""
    try:
        return handler(*args)
    except Exception:
        logger.exception("listener %r failed", handler)
        return None


class Callbacks:
    """The lifecycle callbacks of one client, told through ``schedule(handler, args)`` in emission order.

    ``open()``, ``close(code, reason)``, ``error(exception)``, ``reconnecting(attempt, delay_s)``,
    ``reconnected(events_may_have_been_missed)``, ``max_reconnects_reached(code, reason)``.
    """

    def __init__(self, schedule: Callable[[Handler, tuple[Any, ...]], None]) -> None:
        self._schedule = schedule
        self._callbacks: dict[str, list[Handler]] = {name: [] for name in LIFECYCLE_EVENTS}

    def on(self, name: LifecycleEvent, callback: Handler) -> Callable[[], None]:
        """Registers ``callback`` for ``name``; returns a function that removes it."""
        if name not in self._callbacks:
            raise ValueError(f"unknown lifecycle event {name!r}")
        callbacks = self._callbacks[name]
        callbacks.append(callback)

        def remove() -> None:
            if callback in callbacks:
                callbacks.remove(callback)

        return remove

    def emit(self, name: str, *args: Any) -> None:
        for callback in list(self._callbacks[name]):
            self._schedule(callback, args)
