"""Who listens to which event (docs/client-behaviour.md, "Subscriptions and login"), without I/O.

An event's first listener makes the client send ``rpc.on``; listeners added while that is under way wait for
the same answer (the topic's ``confirmed``, a future of the client's kind); the last listener gone makes it
send ``rpc.off``. Local listeners (``listen``) get standard JSON-RPC notifications that a server pushes
unasked, with no ``rpc.on``. Not thread-safe: the synchronous client holds its lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .callbacks import Handler

C = TypeVar("C")
R = TypeVar("R")


class SubscriptionHandle(Generic[R]):
    """What ``subscribe`` returns; each client adds ``close()`` (and ``with``), which calls ``remove``."""

    def __init__(self, event: str, status: dict[str, Any], remove: Callable[[], R]) -> None:
        self.event = event
        #: The server's ``rpc.on`` status map, e.g. ``{"newsUpdate": "ok"}``.
        self.status = status
        self._remove = remove


@dataclass(eq=False)
class Topic(Generic[C]):
    """One server event this client subscribes to: its ``rpc.on`` answer and its local listeners."""

    confirmed: C
    listeners: list[Handler] = field(default_factory=list)


class Subscriptions(Generic[C]):
    def __init__(self) -> None:
        self._topics: dict[str, Topic[C]] = {}
        self._local: dict[str, list[Handler]] = {}

    def add(self, event: str, handler: Handler, confirmation: Callable[[], C]) -> tuple[Topic[C], bool]:
        """Adds ``handler`` to ``event``'s topic; returns the topic and whether it is new (send ``rpc.on``)."""
        topic = self._topics.get(event)
        first = topic is None
        if topic is None:
            topic = Topic(confirmation())
            self._topics[event] = topic
        topic.listeners.append(handler)
        return topic, first

    def abandon(self, event: str, topic: Topic[C]) -> None:
        """The topic's ``rpc.on`` failed: forget it with all its listeners."""
        if self._topics.get(event) is topic:
            del self._topics[event]

    def discard(self, event: str, handler: Handler) -> None:
        """Removes ``handler`` without asking the server anything (its subscribe failed)."""
        topic = self._topics.get(event)
        if topic is not None and handler in topic.listeners:
            topic.listeners.remove(handler)

    def remove(self, event: str, handler: Handler) -> bool:
        """Removes ``handler``; returns whether it was the event's last listener (send ``rpc.off``)."""
        topic = self._topics.get(event)
        if topic is None or handler not in topic.listeners:
            return False
        topic.listeners.remove(handler)
        if topic.listeners:
            return False
        del self._topics[event]
        return True

    def drop(self, event: str) -> None:
        """Removes every listener of ``event`` (``unsubscribe``)."""
        self._topics.pop(event, None)

    def listen(self, event: str, handler: Handler) -> Callable[[], None]:
        """Adds a local listener (no ``rpc.on``); returns a function that removes it."""
        self._local.setdefault(event, []).append(handler)

        def remove() -> None:
            listeners = self._local.get(event, [])
            if handler in listeners:
                listeners.remove(handler)

        return remove

    def listeners(self, name: str) -> list[Handler]:
        """Everything listening to ``name`` now: topic listeners first, then local ones."""
        topic = self._topics.get(name)
        return (list(topic.listeners) if topic else []) + list(self._local.get(name, []))

    def __contains__(self, name: object) -> bool:
        """Whether anything listens to ``name`` (the dispatch rule of notifications)."""
        if not isinstance(name, str):
            return False
        topic = self._topics.get(name)
        return bool(topic and topic.listeners) or bool(self._local.get(name))

    @property
    def events(self) -> list[str]:
        """The server events subscribed to, as restore re-subscribes them."""
        return list(self._topics)
