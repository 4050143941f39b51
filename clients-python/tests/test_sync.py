"""The synchronous client (rpcws_client.sync) against both servers: calls, events, login, timeouts,
threads, and restarts with restore."""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from support import (
    CREDENTIALS,
    BlockingInbox,
    BlockingRecorder,
    BlockingScriptedServer,
    ServerUnderTest,
    answer_calls_blocking,
    free_port,
    reply_to,
    wait_until,
)
from websockets.sync.server import ServerConnection

from rpcws_client import State
from rpcws_client.sync import (
    AuthError,
    CallTimeoutError,
    Client,
    ConnectionLostError,
    EncodingError,
    MalformedReplyError,
    NotConnectedError,
    ServerError,
    SubscriptionError,
)


@pytest.fixture
def client(server: ServerUnderTest) -> Iterator[Client]:
    with Client(server.url(), call_timeout=5) as connected:
        yield connected


def test_calls_errors_and_namespaces(client: Client, server: ServerUnderTest) -> None:
    assert client.state is State.CONNECTED
    assert client.call("sum", [5, 3]) == 8
    assert client.call("subtract", {"minuend": 42, "subtrahend": 23}) == 19
    assert client.call("greet") == "Hello, subscriber!"
    assert client.list_methods()[:3] == ["__listMethods", "sum", "subtract"]
    with pytest.raises(ServerError) as missing:
        client.call("power", [4])
    assert missing.value.error == {"code": -32601, "message": "Method not found"}
    assert str(missing.value) == "power: -32601 Method not found"
    with pytest.raises(ServerError) as no_data:
        client.call("throwsNoData")
    assert (no_data.value.code, no_data.value.data, no_data.value.has_data) == (-32051, None, True)
    if server.kind == "node":  # deviation D1: the reference omits `result` of a void method
        with pytest.raises(MalformedReplyError):
            client.call("update")
    else:
        assert client.call("update") is None
    assert client.notify("sum", [1, 2]) is None
    with Client(server.url("/chat"), call_timeout=5) as chat:
        assert chat.namespace == "/chat" and chat.call("chatOnly") == "in chat"


def test_login_unlocks_protected_methods_and_events(client: Client) -> None:
    with pytest.raises(ServerError) as forbidden:
        client.call("cryptic")
    assert forbidden.value.code == -32605
    with pytest.raises(ServerError):
        client.subscribe("secretNews", BlockingInbox())
    with pytest.raises(AuthError):
        client.login({"username": "foo", "password": "nope"})
    assert client.login(CREDENTIALS) is True
    assert client.call("cryptic") == "boohoo"
    assert client.subscribe("secretNews", BlockingInbox()).status == {"secretNews": "ok"}


def test_events_arrive_in_order_on_the_listener_thread(client: Client, server: ServerUnderTest) -> None:
    first, second = BlockingInbox(), BlockingInbox()
    one = client.subscribe("newsUpdate", first)
    two = client.subscribe("newsUpdate", second)
    assert one.status == two.status == {"newsUpdate": "ok"}
    with pytest.raises(SubscriptionError) as invalid:
        client.subscribe("inexistent", BlockingInbox())
    assert invalid.value.status == "provided event invalid"

    for n in range(20):
        server.admin("POST", "/admin/emit", {"event": "newsUpdate", "args": [n]})
    assert [first.next() for _ in range(20)] == [(n,) for n in range(20)]
    assert [second.next() for _ in range(20)] == [(n,) for n in range(20)]
    assert first.threads == second.threads == {"rpcws-listeners_0"}

    assert one.close() is None  # another listener remains: no rpc.off
    with two:
        pass  # the last listener gone sends rpc.off
    assert client.subscribed_events == []
    assert client.unsubscribe("newsUpdate") == {"newsUpdate": "not subscribed"}


def test_a_listener_may_call_the_client(client: Client, server: ServerUnderTest) -> None:
    results = BlockingInbox()
    client.subscribe("newMail", lambda n: results(client.call("sum", [n, 1])))
    server.admin("POST", "/admin/emit", {"event": "newMail", "args": [41]})
    assert results.next() == (42,)


def test_timeouts_and_late_replies(client: Client) -> None:
    with pytest.raises(TimeoutError) as timeout:
        client.call("hang", [300], timeout=0.05)
    assert isinstance(timeout.value, CallTimeoutError) and str(timeout.value) == "hang: reply timeout"
    assert client.call("hang", [400]) == "done"  # the late reply of the first was dropped
    assert client.pending_calls == 0


def test_calls_from_many_threads_are_matched_to_their_callers(client: Client) -> None:
    with ThreadPoolExecutor(8) as pool:
        slow = [pool.submit(client.call, "hang", [150 - 10 * i]) for i in range(8)]
        fast = list(pool.map(lambda i: client.call("sum", [i, i, 1]), range(200)))
    assert fast == [2 * i + 1 for i in range(200)]
    assert [f.result() for f in slow] == ["done"] * 8


ODD_TEXT = ["a\ud800b", "\udfff", "\ude00\ud83d", "😀", "x\U0010ffff", "end\ud83d"]


def test_lone_surrogates_round_trip_and_an_unencodable_call_fails_alone(client: Client) -> None:
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.call, "hang", [300])
        wait_until(lambda: client.pending_calls == 1, what="the hang call to be pending")
        assert client.call("echo", ODD_TEXT) == ODD_TEXT
        for params in ([math.nan], [-math.inf], [object()]):
            with pytest.raises(EncodingError):
                client.call("echo", params)
        with pytest.raises(EncodingError):
            client.notify("echo", [math.nan])
        assert pending.result(5) == "done"
    assert client.call("sum", [1, 2]) == 3 and client.state is State.CONNECTED


def test_close_fails_pending_calls_and_the_client_can_connect_again(server: ServerUnderTest) -> None:
    client = Client(server.url(), call_timeout=30)
    recorder = BlockingRecorder(client)
    with pytest.raises(NotConnectedError):
        client.call("sum", [1, 2])
    client.connect()
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(client.call, "hang", [5000])
        wait_until(lambda: client.pending_calls == 1, what="the hang call to be pending")
        client.close()
        with pytest.raises(ConnectionLostError):
            pending.result(2)  # at once, not after its own 30 s
    assert client.state is State.CLOSED
    assert recorder.wait("close")[0] == (1000, "")
    with pytest.raises(NotConnectedError):
        client.call("sum", [1, 2])
    client.connect()
    assert client.call("sum", [1, 2]) == 3
    client.close()
    assert recorder.names().count("open") == 2 and "reconnecting" not in recorder.names()


def test_a_malformed_url_fails_at_once() -> None:
    started = time.monotonic()
    for url in ("htp://x", "ws://", "127.0.0.1:8080"):
        with pytest.raises(ValueError, match="not a WebSocket URL"):
            Client(url)
    assert time.monotonic() - started < 1  # not after reconnect attempts


def test_a_failed_first_connect_follows_the_reconnect_rules() -> None:
    client = Client(f"ws://127.0.0.1:{free_port()}/", reconnect_interval=0.05, max_reconnects=2, ping_interval=0)
    recorder = BlockingRecorder(client)
    with pytest.raises(NotConnectedError, match="cannot connect"):
        client.connect()
    assert client.state is State.CLOSED
    recorder.wait("max_reconnects_reached")
    assert recorder.names() == ["error", "reconnecting", "error", "reconnecting", "error", "max_reconnects_reached"]


def test_close_during_first_connect_attempts_ends_them() -> None:
    client = Client(f"ws://127.0.0.1:{free_port()}/", reconnect_interval=10, max_reconnects=0, ping_interval=0)
    recorder = BlockingRecorder(client)
    with ThreadPoolExecutor(1) as pool:
        connecting = pool.submit(client.connect)
        recorder.wait("reconnecting")  # now in a 10 s wait
        client.close()
        with pytest.raises(NotConnectedError, match="closed while connecting"):
            connecting.result(2)
    assert client.state is State.CLOSED


def test_restart_on_the_same_port_restores_login_and_subscriptions(own_server: ServerUnderTest) -> None:
    options = dict(reconnect_interval=0.05, max_reconnects=0, ping_interval=0)
    client = Client(own_server.url(), call_timeout=5, **options)
    waiter = Client(own_server.url(), wait_for_reconnect=True, **options)
    recorder, waiter_recorder = BlockingRecorder(client), BlockingRecorder(waiter)
    news, secrets = BlockingInbox(), BlockingInbox()
    with client, waiter, ThreadPoolExecutor(2) as pool:
        client.login(CREDENTIALS)
        client.subscribe("newsUpdate", news)
        client.subscribe("secretNews", secrets)  # protected: restoring it needs the login first
        pending = pool.submit(client.call, "hang", [10_000], 30)
        wait_until(lambda: client.pending_calls == 1, what="the hang call to be pending")

        own_server.kill()
        with pytest.raises(ConnectionLostError):
            pending.result(2)  # at once, not after its own 30 s
        assert recorder.wait("close")[0][0] == 1006
        waiter_recorder.wait("close")
        with pytest.raises(NotConnectedError):
            client.call("sum", [1, 2])
        waiting_call = pool.submit(waiter.call, "sum", [20, 22], 15)  # waits through the gap
        recorder.wait("error")  # at least one attempt met a closed port

        own_server.restart_same_port()
        assert recorder.wait("reconnected", timeout=10)[0] == (True,)
        assert client.state is State.CONNECTED
        assert waiting_call.result(10) == 42
        assert waiter_recorder.wait("reconnected", timeout=10)[0] == (False,)

        assert client.call("cryptic") == "boohoo"  # logged in again without the application asking
        own_server.admin("POST", "/admin/emit", {"event": "newsUpdate", "args": ["after restart"]})
        assert news.next() == ("after restart",)
        own_server.admin("POST", "/admin/emit", {"event": "secretNews", "args": ["psst"]})
        assert secrets.next() == ("psst",)

    names = recorder.names()
    assert names.index("close") < names.index("reconnecting") < names.index("reconnected")
    assert names.count("open") == 2 and "max_reconnects_reached" not in names
    attempts = [attempt for attempt, _delay in recorder.of("reconnecting")]
    assert attempts == list(range(1, len(attempts) + 1))


def test_a_paused_server_is_detected_by_the_heartbeat(own_server: ServerUnderTest) -> None:
    ping_interval, pong_timeout = 0.3, 0.3
    client = Client(own_server.url(), ping_interval=ping_interval, pong_timeout=pong_timeout,
                    reconnect_interval=0.05, max_reconnects=0, open_timeout=3, call_timeout=5)  # fmt: skip
    recorder = BlockingRecorder(client)
    news = BlockingInbox()
    with client:
        client.subscribe("newsUpdate", news)
        own_server.pause()
        paused_at = time.monotonic()
        try:
            close = recorder.wait("close", timeout=ping_interval + pong_timeout + 3)[0]
            detected_after = time.monotonic() - paused_at
        finally:
            own_server.resume()
        assert close[0] == 1006
        assert detected_after <= ping_interval + pong_timeout + 0.5
        assert recorder.wait("reconnected", timeout=10)[0] == (True,)
        own_server.admin("POST", "/admin/emit", {"event": "newsUpdate", "args": ["awake"]})
        assert news.next() == ("awake",)


def test_max_reconnects_reached_after_the_server_is_gone(own_server: ServerUnderTest) -> None:
    client = Client(own_server.url(), reconnect_interval=0.02, max_reconnects=3, ping_interval=0)
    recorder = BlockingRecorder(client)
    client.connect()
    own_server.kill()
    recorder.wait("max_reconnects_reached")
    wait_until(lambda: client.state is State.CLOSED, what="CLOSED")
    assert [attempt for attempt, _ in recorder.of("reconnecting")] == [1, 2, 3]
    assert recorder.of("max_reconnects_reached") == [(1006, "")]
    assert recorder.names()[-1] == "max_reconnects_reached"
    client.close()


def test_restore_failures_are_reported_and_the_connection_stays_up() -> None:
    def script(conn: ServerConnection, n: int) -> None:
        if n > 1:  # after the reconnect, the login and the rpc.on of the restore fail
            refusals = {"rpc.login": {"result": False}, "rpc.on": {"result": {"a": "provided event invalid"}}}
            answer_calls_blocking(conn, refusals)
            return
        for message in conn:
            request = json.loads(message)
            if request["method"] == "drop":
                conn.close(4001)
                return
            conn.send(reply_to(request, {}) or "")

    server = BlockingScriptedServer(script)
    try:
        client = Client(server.url(), reconnect_interval=0.02, call_timeout=5, ping_interval=0)
        recorder = BlockingRecorder(client)
        with client:
            client.login({"user": "u"})
            client.subscribe("a", BlockingInbox())
            client.notify("drop")
            assert recorder.wait("reconnected")[0] == (True,)
            errors = [error for (error,) in recorder.of("error")]
            assert sorted(type(e).__name__ for e in errors) == ["AuthError", "SubscriptionError"]
            assert client.call("sum", [1, 2]) is True  # still up
    finally:
        server.stop()


def test_the_threads_of_a_client(server: ServerUnderTest) -> None:
    with Client(server.url(), ping_interval=10) as client:
        threads = {t.name: t for t in threading.enumerate()}
        # Daemons: a script that forgets close() still exits.
        assert threads["rpcws-connection"].daemon and threads["rpcws-heartbeat"].daemon
        assert client.call("sum", [1, 2]) == 3
