"""The synchronous client behind the coroutine interface the agent drives (``--client sync``).

Each blocking call runs on a thread of the agent's pool, so one slow call (``hang``) holds up nothing
else; listeners and lifecycle callbacks, which the client runs on its listener thread, are handed to the
agent's loop in the order they came.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from rpcws_client import DEFAULT, State, sync
from rpcws_client.callbacks import Handler, LifecycleEvent
from rpcws_client.core import Timeout

_T = TypeVar("_T")

# Enough threads for every request the suite may have in flight at once (calls that hang, waits).
POOL_SIZE = 64


class Unsupported(Exception):
    """The hosted library lacks this operation."""


class HostedLibrary(Protocol):
    """What the agent needs of a client: the asyncio Client's interface."""

    @property
    def state(self) -> State: ...

    def on(self, name: LifecycleEvent, callback: Handler) -> Callable[[], None]: ...

    async def connect(self) -> None: ...

    async def close(self, code: int = 1000, reason: str = "") -> None: ...

    async def call(self, method: str, params: Any = None, timeout: Timeout = DEFAULT) -> Any: ...

    async def notify(self, method: str, params: Any = None) -> None: ...

    async def login(self, params: Any, timeout: Timeout = DEFAULT) -> Any: ...

    async def subscribe(self, event: str, handler: Handler) -> Any: ...

    async def unsubscribe(self, event: str) -> dict[str, Any]: ...

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


class ThreadedClient:
    """A :class:`rpcws_client.sync.Client` presented as a :class:`HostedLibrary`."""

    def __init__(self, client: sync.Client, loop: asyncio.AbstractEventLoop, pool: ThreadPoolExecutor) -> None:
        self._client = client
        self._loop = loop
        self._pool = pool

    @classmethod
    def factory(cls, loop: asyncio.AbstractEventLoop) -> Callable[..., ThreadedClient]:
        pool = ThreadPoolExecutor(POOL_SIZE, thread_name_prefix="agent-sync")

        def new_client(url: str, **options: Any) -> ThreadedClient:
            return cls(sync.Client(url, **options), loop, pool)

        return new_client

    @property
    def state(self) -> State:
        return self._client.state

    def on(self, name: LifecycleEvent, callback: Handler) -> Callable[[], None]:
        return self._client.on(name, self._on_loop(callback))

    async def connect(self) -> None:
        await self._blocking(self._client.connect)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await self._blocking(self._client.close, code, reason)

    async def call(self, method: str, params: Any = None, timeout: Timeout = DEFAULT) -> Any:
        return await self._blocking(self._client.call, method, params, timeout)

    async def notify(self, method: str, params: Any = None) -> None:
        await self._blocking(self._client.notify, method, params)

    async def login(self, params: Any, timeout: Timeout = DEFAULT) -> Any:
        return await self._blocking(self._client.login, params, timeout)

    async def subscribe(self, event: str, handler: Handler) -> sync.Subscription:
        return await self._blocking(self._client.subscribe, event, self._on_loop(handler))

    async def unsubscribe(self, event: str) -> dict[str, Any]:
        return await self._blocking(self._client.unsubscribe, event)

    def pause_reading(self) -> None:
        raise Unsupported("the synchronous client cannot stop reading its socket")

    def resume_reading(self) -> None:
        raise Unsupported("the synchronous client cannot stop reading its socket")

    async def _blocking(self, function: Callable[..., _T], *args: Any) -> _T:
        return await self._loop.run_in_executor(self._pool, functools.partial(function, *args))

    def _on_loop(self, handler: Handler) -> Handler:
        def hand_over(*args: Any) -> None:
            self._loop.call_soon_threadsafe(handler, *args)

        return hand_over
