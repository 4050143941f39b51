"""Drops, restarts and stalls of the real servers: reconnect, restore, heartbeat."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import CREDENTIALS, Inbox, Recorder, ServerUnderTest, eventually

from rpcws_client import Client, ConnectionLostError, NotConnectedError, State


async def test_restart_on_the_same_port_restores_login_and_subscriptions(own_server: ServerUnderTest) -> None:
    client = Client(own_server.url(), reconnect_interval=0.05, max_reconnects=0, ping_interval=0, call_timeout=5)
    waiter = Client(own_server.url(), reconnect_interval=0.05, max_reconnects=0, ping_interval=0, wait_for_reconnect=True)
    recorder, waiter_recorder = Recorder(client), Recorder(waiter)
    news, secrets = Inbox(), Inbox()
    async with client, waiter:
        await client.login(CREDENTIALS)
        await client.subscribe("newsUpdate", news)
        await client.subscribe("secretNews", secrets)  # protected: restoring it needs the login first
        pending = asyncio.ensure_future(client.call("hang", [10_000], timeout=30))
        await eventually(lambda: client.pending_calls == 1, what="the hang call to be in flight")

        own_server.kill()
        with pytest.raises(ConnectionLostError):
            await asyncio.wait_for(pending, 2)  # at once, not after its own 30 s timeout
        assert (await recorder.wait("close"))[0][0] == 1006
        await waiter_recorder.wait("close")
        with pytest.raises(NotConnectedError):
            await client.call("sum", [1, 2])
        # wait_for_reconnect: this call waits through the gap instead of failing.
        waiting_call = asyncio.ensure_future(waiter.call("sum", [20, 22], timeout=15))
        await recorder.wait("error")  # at least one attempt met a closed port

        own_server.restart_same_port()
        assert (await recorder.wait("reconnected", timeout=10))[0] == (True,)
        assert client.state is State.CONNECTED
        assert await waiting_call == 42
        assert (await waiter_recorder.wait("reconnected", timeout=10))[0] == (False,)  # it had no subscriptions

        assert await client.call("cryptic") == "boohoo"  # logged in again without the application asking
        await own_server.emit("newsUpdate", ["after restart"])
        assert await news.next() == ("after restart",)  # the original handler
        await own_server.emit("secretNews", ["psst"])
        assert await secrets.next() == ("psst",)

    names = recorder.names()
    assert names.index("close") < names.index("reconnecting") < names.index("reconnected")
    assert names.count("open") == 2 and "max_reconnects_reached" not in names
    attempts = [attempt for attempt, _delay in recorder.of("reconnecting")]
    assert attempts == list(range(1, len(attempts) + 1))


async def test_paused_server_is_detected_by_the_heartbeat(own_server: ServerUnderTest) -> None:
    ping_interval, pong_timeout = 0.3, 0.3
    client = Client(
        own_server.url(),
        ping_interval=ping_interval,
        pong_timeout=pong_timeout,
        reconnect_interval=0.05,
        max_reconnects=0,
        # A stopped server accepts TCP but never finishes a handshake: an attempt made during the
        # pause completes once the server resumes, or times out and the next one succeeds.
        open_timeout=3,
        call_timeout=5,
    )
    recorder = Recorder(client)
    news = Inbox()
    async with client:
        await client.subscribe("newsUpdate", news)
        await client.call("sum", [1, 1])
        own_server.pause()
        paused_at = time.monotonic()
        try:
            close = (await recorder.wait("close", timeout=ping_interval + pong_timeout + 3))[0]
            detected_after = time.monotonic() - paused_at
        finally:
            own_server.resume()
        assert close[0] == 1006
        assert detected_after <= ping_interval + pong_timeout + 0.5

        assert (await recorder.wait("reconnected", timeout=10))[0] == (True,)
        await own_server.emit("newsUpdate", ["awake"])
        assert await news.next() == ("awake",)


@pytest.fixture
def jetty_pinging(log_dir: Path) -> Iterator[ServerUnderTest]:
    """A Jetty server that pings every 200 ms and drops a client silent for 200 ms after a ping."""
    running = ServerUnderTest("jetty", log_dir, ["--ping-interval", "200", "--pong-timeout", "200"])
    yield running
    running.stop()


async def test_jetty_drops_a_client_that_stops_reading_and_it_comes_back(jetty_pinging: ServerUnderTest) -> None:
    client = Client(jetty_pinging.url(), ping_interval=0, reconnect_interval=0.05, max_reconnects=0, call_timeout=5)
    recorder = Recorder(client)
    async with client:
        socket_id = await client.call("whoami")
        assert socket_id in await jetty_pinging.connections()
        client.pause_reading()  # server pings now go unanswered
        try:
            await eventually(
                lambda: _gone(jetty_pinging, socket_id), timeout=3, what="the server to drop the silent client"
            )
        finally:
            client.resume_reading()
        await recorder.wait("reconnected", timeout=5)
        assert await client.call("whoami") in await jetty_pinging.connections()


async def _gone(server: ServerUnderTest, socket_id: str) -> bool:
    return socket_id not in await server.connections()
