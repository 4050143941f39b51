"""Client behaviours that need a peer doing unusual things: a scripted local `websockets` server.

The server is real (sockets, handshake, frames); only its replies are scripted.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from support import Inbox, Recorder, ScriptedServer, answer_calls, eventually, free_port
from websockets.asyncio.server import ServerConnection

from rpcws_client import (
    AuthError,
    CallTimeoutError,
    Client,
    ConnectionLostError,
    MalformedReplyError,
    NotConnectedError,
    ServerError,
    State,
    SubscriptionError,
)


def reply(request: dict, **members: object) -> str:
    return json.dumps({"jsonrpc": "2.0", **members, "id": request["id"]})


async def test_dispatch_over_a_real_socket() -> None:
    async def script(conn: ServerConnection, n: int) -> None:
        async for message in conn:
            request = json.loads(message)
            method = request["method"]
            if method == "rpc.on":
                await conn.send(reply(request, result={e: "ok" for e in request["params"]}))
            elif method == "stringId":
                await conn.send(json.dumps({"jsonrpc": "2.0", "result": "matched", "id": str(request["id"])}))
            elif method == "both":
                await conn.send(reply(request, result=1, error={"code": 1, "message": "x"}))
            elif method == "neither":
                await conn.send(reply(request))
            elif method == "binary":
                await conn.send(reply(request, result="bin-ok").encode())
            elif method == "bare":
                await conn.send(reply(request, error="boom"))
            elif method == "tagged":  # a reply that also names an event
                await conn.send(reply(request, notification=request["params"][0], result="by id"))
            elif method == "burst":
                for frame in (
                    '{"notification":"ev","params":["a","b"]}',
                    '{"notification":"ev"}',
                    '{"notification":"ev","params":{"k":1}}',
                    '{"jsonrpc":"2.0","method":"ev2","params":[1,2]}',
                    '{"jsonrpc":"2.0","method":"ev2"}',
                    "this is not json",
                    '[{"jsonrpc":"2.0","result":1,"id":1}]',
                    '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}',
                    '{"notification":"unlistened","params":[1]}',
                ):
                    await conn.send(frame)
                await conn.send(reply(request, result="after"))

    async with ScriptedServer(script) as server, Client(server.url(), call_timeout=5) as client:
        assert await client.call("stringId") == "matched"
        with pytest.raises(MalformedReplyError):
            await client.call("both")
        with pytest.raises(MalformedReplyError):
            await client.call("neither")
        assert await client.call("binary") == "bin-ok"
        with pytest.raises(ServerError) as bare:
            await client.call("bare")
        assert bare.value.raw and bare.value.data == "boom"

        events, methods = Inbox(), Inbox()

        def broken(*args: object) -> None:
            raise RuntimeError("a listener bug must not stop delivery")

        await client.subscribe("ev", broken)
        await client.subscribe("ev", events)
        remove = client.listen("ev2", methods)  # no rpc.on: the server pushes these unasked
        assert await client.call("burst") == "after"
        assert [await events.next() for _ in range(3)] == [("a", "b"), (), ({"k": 1},)]
        assert [await methods.next() for _ in range(2)] == [([1, 2],), ()]
        remove()
        # A notification frame nobody listens to falls through to id matching; one with a listener does not.
        assert await client.call("tagged", ["unheard"]) == "by id"
        heard = Inbox()
        client.listen("heard", heard)
        with pytest.raises(CallTimeoutError):
            await client.call("tagged", ["heard"], timeout=0.3)
        assert await heard.next() == ()
        assert await client.call("stringId") == "matched"  # still working after all of that
        assert client.state is State.CONNECTED


async def test_server_close_codes_decide_reconnect() -> None:
    async def script(conn: ServerConnection, n: int) -> None:
        if n == 1:
            await conn.close(4000, "bye")
        else:
            async for _ in conn:  # the client's first call ends it, normally
                await conn.close(1000, "done")

    async with ScriptedServer(script) as server:
        client = Client(server.url(), reconnect_interval=0.02, call_timeout=5)
        recorder = Recorder(client)
        await client.connect()
        assert (await recorder.wait("reconnected"))[0] == (False,)  # nothing subscribed: nothing missed
        with pytest.raises(ConnectionLostError):
            await client.call("anything")
        await eventually(lambda: client.state is State.CLOSED, what="CLOSED after a 1000 close")
        assert recorder.of("close") == [(4000, "bye"), (1000, "done")]
        assert recorder.of("reconnecting") == [(1, 0.02)]
        assert server.connections == 2


async def test_reconnecting_is_announced_when_the_wait_begins() -> None:
    async with ScriptedServer(lambda conn, n: conn.close(4000, "bye") if n == 1 else answer_calls(conn)) as server:
        client = Client(server.url(), reconnect_interval=1.0)
        seen: list[tuple[int, float, State, int]] = []
        client.on("reconnecting", lambda attempt, delay: seen.append((attempt, delay, client.state, server.connections)))
        recorder = Recorder(client)
        async with client:
            await recorder.wait("reconnecting")
            # Heard while the 1 s wait is still under way: no attempt has been made yet.
            assert seen == [(1, 1.0, State.RECONNECTING, 1)]
            await recorder.wait("reconnected")
            assert server.connections == 2


async def test_max_reconnects_counts_attempts_then_closes() -> None:
    async with ScriptedServer(lambda conn, n: answer_calls(conn)) as server:
        client = Client(server.url(), reconnect_interval=0.02, max_reconnects=3)
        recorder = Recorder(client)
        await client.connect()
        await server.stop()  # closes the connection (1001) and refuses new ones
        await recorder.wait("max_reconnects_reached")
        await eventually(lambda: client.state is State.CLOSED)
        assert recorder.of("close") == [(1001, "")]
        assert [attempt for attempt, _ in recorder.of("reconnecting")] == [1, 2, 3]
        assert len(recorder.of("error")) == 3
        assert recorder.of("max_reconnects_reached") == [(1006, "")]
        assert recorder.names()[-1] == "max_reconnects_reached"


async def test_backoff_delays_grow_with_jitter_and_cap() -> None:
    async with ScriptedServer(lambda conn, n: answer_calls(conn)) as server:
        client = Client(server.url(), reconnect_interval=0.02, max_reconnects=4, backoff=True, max_reconnect_delay=0.05)
        recorder = Recorder(client)
        await client.connect()
        await server.stop()
        await recorder.wait("max_reconnects_reached")
        delays = [delay for _, delay in recorder.of("reconnecting")]
        ceilings = [0.02, 0.04, 0.05, 0.05]
        assert len(delays) == 4
        assert all(ceiling / 2 <= delay <= ceiling for delay, ceiling in zip(delays, ceilings)), delays


async def test_reconnect_off_and_pending_calls_fail_at_once() -> None:
    async def script(conn: ServerConnection, n: int) -> None:
        async for message in conn:
            if json.loads(message)["method"] == "drop":
                await conn.close(4000, "dropped")

    async with ScriptedServer(script) as server:
        client = Client(server.url(), reconnect=False, call_timeout=30)
        recorder = Recorder(client)
        await client.connect()
        pending = asyncio.ensure_future(client.call("never-answered"))
        await eventually(lambda: client.pending_calls == 1)
        await client.notify("drop")
        with pytest.raises(ConnectionLostError):
            await asyncio.wait_for(pending, 2)  # at once, not after its own 30 s timeout
        await eventually(lambda: client.state is State.CLOSED)
        assert recorder.of("close") == [(4000, "dropped")]
        assert "reconnecting" not in recorder.names()


async def test_restore_failures_are_reported_and_the_connection_stays_up() -> None:
    async def script(conn: ServerConnection, n: int) -> None:
        if n == 1:
            async for message in conn:
                request = json.loads(message)
                if request["method"] == "drop":
                    await conn.close(4001)
                elif request["method"] == "rpc.on":
                    await conn.send(reply(request, result={request["params"][0]: "ok"}))
                else:
                    await conn.send(reply(request, result=True))
            return
        async for message in conn:  # after the reconnect, everything the restore sends fails
            request = json.loads(message)
            method, params = request["method"], request.get("params")
            if method == "rpc.login":
                await conn.send(reply(request, result=False))
            elif method == "rpc.on" and params == ["a"]:
                await conn.send(reply(request, result={"a": "provided event invalid"}))
            elif method == "rpc.on":
                await conn.send(reply(request, error={"code": -32606, "message": "Event forbidden"}))
            else:
                await conn.send(reply(request, result="still up"))

    async with ScriptedServer(script) as server:
        client = Client(server.url(), reconnect_interval=0.02, call_timeout=5)
        recorder = Recorder(client)
        await client.connect()
        await client.login({"user": "u"})
        await client.subscribe("a", Inbox())
        await client.subscribe("b", Inbox())
        await client.notify("drop")
        assert (await recorder.wait("reconnected"))[0] == (True,)
        errors = [e for (e,) in recorder.of("error")]
        assert sorted(type(e).__name__ for e in errors) == ["AuthError", "ServerError", "SubscriptionError"]
        assert any(isinstance(e, SubscriptionError) and e.status == "provided event invalid" for e in errors)
        assert any(isinstance(e, AuthError) for e in errors)
        assert await client.call("sum", [1, 2]) == "still up"
        await client.close()


async def test_heartbeat_counts_any_frame_as_a_sign_of_life() -> None:
    keep_talking = asyncio.Event()
    keep_talking.set()
    served: list[ServerConnection] = []

    async def script(conn: ServerConnection, n: int) -> None:
        served.append(conn)
        conn.transport.pause_reading()  # never reads the client's pings, so never pongs
        while keep_talking.is_set():
            await conn.send('{"notification":"tick","params":[]}')
            await asyncio.sleep(0.03)
        await conn.wait_closed()

    async with ScriptedServer(script) as server:
        client = Client(server.url(), ping_interval=0.1, pong_timeout=0.15, reconnect=False)
        recorder = Recorder(client)
        ticks = Inbox()
        await client.connect()
        client.listen("tick", ticks)
        for _ in range(25):  # ~0.75 s: several ping rounds without a pong
            await ticks.next()
        assert recorder.of("close") == []
        keep_talking.clear()
        silent_since = time.monotonic()
        assert (await recorder.wait("close", timeout=3))[0] == (1006, "")
        assert time.monotonic() - silent_since <= 0.1 + 0.15 + 0.5
        served[0].transport.abort()  # it does not read, so it would never see the client go


async def test_waiting_calls_time_out_or_fail_when_closed() -> None:
    async with ScriptedServer(lambda conn, n: conn.close(4000)) as server:
        client = Client(server.url(), reconnect_interval=0.05, max_reconnects=0, wait_for_reconnect=True)
        recorder = Recorder(client)
        await client.connect()
        await server.stop()
        await recorder.wait("close")
        with pytest.raises(CallTimeoutError):
            await client.call("sum", [1, 2], timeout=0.2)
        waiting = asyncio.ensure_future(client.call("sum", [1, 2], timeout=None))
        done, _ = await asyncio.wait({waiting}, timeout=0.2)
        assert not done  # it waits for the connection, with no timeout
        await client.close()
        with pytest.raises(NotConnectedError):
            await asyncio.wait_for(waiting, 2)
        assert client.state is State.CLOSED


async def test_headers_subprotocol_and_path_on_every_connect() -> None:
    async def script(conn: ServerConnection, n: int) -> None:
        if n == 1:
            await conn.close(4000)
        else:
            await answer_calls(conn)

    async with ScriptedServer(script, subprotocols=["rpcws.v1"]) as server:
        client = Client(
            server.url("/chat?x=1"),
            headers={"Authorization": "Bearer t0k"},
            subprotocols=["rpcws.v1"],
            reconnect_interval=0.02,
        )
        recorder = Recorder(client)
        async with client:
            await recorder.wait("reconnected")
            assert client.subprotocol == "rpcws.v1"
            assert client.namespace == "/chat"
        assert [r.headers["Authorization"] for r in server.requests] == ["Bearer t0k"] * 2
        assert [r.path for r in server.requests] == ["/chat?x=1"] * 2
        assert [r.headers["Sec-WebSocket-Protocol"] for r in server.requests] == ["rpcws.v1"] * 2


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


async def test_wss_with_an_ssl_context(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    trusting = ssl.create_default_context(cafile=str(cert))

    async with ScriptedServer(lambda conn, n: answer_calls(conn, {"sum": {"result": 3}}), ssl=server_context) as server:
        async with Client(server.url(scheme="wss"), ssl=trusting, call_timeout=5) as client:
            assert await client.call("sum", [1, 2]) == 3
        with pytest.raises(NotConnectedError):  # the system trust store does not know this certificate
            await Client(server.url(scheme="wss"), reconnect=False).connect()


async def test_a_failed_first_connect_follows_the_reconnect_rules_then_gives_up() -> None:
    client = Client(f"ws://127.0.0.1:{free_port()}/", reconnect_interval=0.05, max_reconnects=2, ping_interval=0)
    recorder = Recorder(client)
    with pytest.raises(NotConnectedError, match="cannot connect"):
        await client.connect()
    assert recorder.names() == ["error", "reconnecting", "error", "reconnecting", "error", "max_reconnects_reached"]
    assert client.state is State.CLOSED


async def test_a_first_connect_succeeds_on_a_later_attempt() -> None:
    port = free_port()
    client = Client(f"ws://127.0.0.1:{port}/", reconnect_interval=0.1, max_reconnects=0, ping_interval=0, call_timeout=5)
    recorder = Recorder(client)
    connecting = asyncio.ensure_future(client.connect())
    await recorder.wait("error")  # the first handshake met a closed port
    assert not connecting.done()
    server = ScriptedServer(lambda conn, n: answer_calls(conn, {"sum": {"result": 3}}))
    await server.start(port)
    try:
        await asyncio.wait_for(connecting, 5)
        assert client.state is State.CONNECTED
        assert await client.call("sum", [1, 2]) == 3
        assert "reconnected" not in recorder.names()  # a first connection restores nothing
        await client.close()
    finally:
        await server.stop()


async def test_close_during_first_connect_attempts_ends_them() -> None:
    client = Client(f"ws://127.0.0.1:{free_port()}/", reconnect_interval=0.1, max_reconnects=0, ping_interval=0)
    recorder = Recorder(client)
    connecting = asyncio.ensure_future(client.connect())
    await recorder.wait("reconnecting")
    await client.close()
    with pytest.raises(NotConnectedError, match="closed while connecting"):
        await asyncio.wait_for(connecting, 2)
    assert client.state is State.CLOSED
