"""An asyncio Client belongs to one event loop: used from another loop or thread it fails at once."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import Any

import pytest
from support import BlockingScriptedServer, Inbox, ScriptedServer, answer_calls, answer_calls_blocking

from rpcws_client import Client, RpcError, WrongLoopError


def in_another_thread(work: Callable[[], Any]) -> Any:
    """Runs ``work`` on a thread of its own and returns its outcome; 5 s bound a hang."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result(timeout=5)


@pytest.fixture
async def server() -> Any:
    async with ScriptedServer(lambda conn, n: answer_calls(conn, {"sum": {"result": 3}})) as running:
        yield running


async def test_calls_from_another_event_loop_fail_at_once(server: ScriptedServer) -> None:
    async with Client(server.url(), call_timeout=None) as client:  # no timeout: a hang would be forever
        for operation in (
            lambda: client.call("sum", [1, 2]),
            lambda: client.notify("sum", [1, 2]),
            lambda: client.subscribe("news", Inbox()),
            lambda: client.login({"user": "u"}),
            lambda: client.close(),
        ):
            with pytest.raises(WrongLoopError) as raised:
                await asyncio.to_thread(asyncio.run, operation())
            assert isinstance(raised.value, RpcError) and isinstance(raised.value, RuntimeError)
            assert "belongs to event loop" in str(raised.value)
        assert await client.call("sum", [1, 2]) == 3  # still fine on its own loop
        # The right way in from another thread: hand the coroutine to the client's loop.
        loop = asyncio.get_running_loop()
        handed = await asyncio.to_thread(
            lambda: asyncio.run_coroutine_threadsafe(client.call("sum", [1, 2]), loop).result(5)
        )
        assert handed == 3


async def test_plain_methods_from_another_thread_fail_at_once(server: ScriptedServer) -> None:
    async with Client(server.url()) as client:
        for operation in (
            lambda: client.on("close", print),
            lambda: client.listen("news", print),
            client.pause_reading,
            client.resume_reading,
        ):
            with pytest.raises(WrongLoopError):
                await asyncio.to_thread(operation)


async def test_a_client_belongs_to_the_loop_it_was_created_on(server: ScriptedServer) -> None:
    client = Client(server.url(), call_timeout=None)  # created here, on the test's loop

    with pytest.raises(WrongLoopError):
        await asyncio.to_thread(asyncio.run, client.connect())
    await client.connect()
    await client.close()


def test_a_client_made_outside_any_loop_belongs_to_the_first_that_uses_it() -> None:
    server = BlockingScriptedServer(lambda conn, n: answer_calls_blocking(conn, {"sum": {"result": 3}}))
    try:
        client = Client(server.url(), call_timeout=None)  # no loop runs here
        client.on("open", print)  # fine while it belongs to no loop

        async def use() -> Any:
            async with client:
                return await client.call("sum", [1, 2])

        assert asyncio.run(use()) == 3
        with pytest.raises(WrongLoopError):
            asyncio.run(client.call("sum", [1, 2]))  # a second loop, after the first is gone
        with pytest.raises(WrongLoopError):
            in_another_thread(lambda: client.on("open", print))
    finally:
        server.stop()
