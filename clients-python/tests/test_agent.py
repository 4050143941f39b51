"""The agent (python -m agent, run from clients-python/) driven over HTTP, against the Node reference server,
hosting the asyncio client and, with --client sync, the synchronous one."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import CLIENTS_PYTHON, CREDENTIALS, Process, ServerUnderTest, free_port, http_json


class AgentProcess:
    def __init__(self, log_dir: Path, flavour: str) -> None:
        self.flavour = flavour
        command = [sys.executable, "-m", "agent", "--port", "0", "--client", flavour, "--log-level", "DEBUG"]
        self.process = Process("agent", command, r"listening control=(?P<control>\d+)", log_dir, cwd=CLIENTS_PYTHON)
        self.base = f"http://127.0.0.1:{self.process.ports['control']}"

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return http_json(method, self.base + path, body)

    def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, reply = self.request(method, path, body)
        assert status == 200, f"{method} {path} -> {status} {reply}\n{self.process.log_tail()}"
        return reply

    def new_client(self, url: str, **options: Any) -> str:
        reply = self.ok("POST", "/clients", {"url": url, "options": options})
        return reply["result"]["client"]


@pytest.fixture(scope="module", params=["async", "sync"])
def agent(log_dir: Path, request: pytest.FixtureRequest) -> Iterator[AgentProcess]:
    running = AgentProcess(log_dir, request.param)
    yield running
    running.process.stop()


@pytest.fixture(scope="module")
def node(log_dir: Path) -> Iterator[ServerUnderTest]:
    running = ServerUnderTest("node", log_dir)
    yield running
    running.stop()


@pytest.fixture
def own_node(log_dir: Path) -> Iterator[ServerUnderTest]:
    running = ServerUnderTest("node", log_dir)
    yield running
    running.stop()


def test_health(agent: AgentProcess) -> None:
    health = agent.ok("GET", "/health")
    assert health["status"] == "ok" and health["language"] == "python"
    assert health["library"].startswith("rpcws-client ")
    assert (" sync (websockets " in health["library"]) == (agent.flavour == "sync")


def test_calls_and_every_error_kind(agent: AgentProcess, node: ServerUnderTest) -> None:
    created = agent.ok("POST", "/clients", {"url": node.url(), "options": {"callTimeoutMs": 5000, "fancy": True}})
    assert created["result"]["ignored"] == ["fancy"]
    c = created["result"]["client"]
    call = f"/clients/{c}/call"

    assert agent.ok("POST", call, {"method": "sum", "params": [1, 2]}) == {"result": 3}
    assert agent.ok("POST", call, {"method": "greet"}) == {"result": "Hello, subscriber!"}
    assert agent.ok("POST", call, {"method": "subtract", "params": {"minuend": 3, "subtrahend": 1}}) == {"result": 2}
    assert agent.ok("POST", call, {"method": "throwsNoData"}) == {
        "error": {"kind": "rpc", "code": -32051, "message": "No data", "data": None}
    }
    assert agent.ok("POST", call, {"method": "nope"}) == {
        "error": {"kind": "rpc", "code": -32601, "message": "Method not found"}
    }
    assert agent.ok("POST", call, {"method": "update"})["error"]["kind"] == "malformed"
    assert agent.ok("POST", call, {"method": "hang", "params": [2000], "timeoutMs": 50})["error"]["kind"] == "timeout"
    assert agent.ok("POST", f"/clients/{c}/notify", {"method": "sum", "params": [1, 2]}) == {"result": None}

    login = f"/clients/{c}/login"
    assert agent.ok("POST", login, {"params": {"username": "foo", "password": "no"}})["error"]["kind"] == "auth"
    assert agent.ok("POST", login, {"params": CREDENTIALS}) == {"result": True}
    other = agent.new_client(node.url())
    assert agent.ok("POST", f"/clients/{other}/login", {"params": CREDENTIALS}) == {"result": True}
    assert agent.ok("POST", call, {"method": "sqrt_protected", "params": [4]}) == {
        "error": {"kind": "rpc-raw", "value": "Socket ID does not match!"}
    }
    assert agent.ok("POST", f"/clients/{other}/call", {"method": "sqrt_protected", "params": [4]}) == {"result": 2}

    assert agent.ok("POST", f"/clients/{c}/close", {"code": 1000, "reason": "bye"}) == {"result": None}
    assert agent.ok("POST", call, {"method": "sum", "params": [1, 2]})["error"]["kind"] == "connection"
    # The blocking client runs its close callback on its listener thread after close() returns (its docstring).
    lifecycle = agent.ok("GET", f"/clients/{c}/lifecycle?type=close&count=1&waitMs=5000")["result"]
    assert lifecycle["state"] == "closed"
    assert lifecycle["log"] == [{"type": "open"}, {"type": "close", "code": 1000, "reason": "bye"}]
    for client_id in (c, other):
        assert agent.ok("DELETE", f"/clients/{client_id}") == {"result": None}
    assert agent.request("POST", call, {"method": "sum"}) == (404, {"error": f"unknown client {c}"})


def test_subscribe_events_and_unsubscribe(agent: AgentProcess, node: ServerUnderTest) -> None:
    c = agent.new_client(node.url())
    assert agent.ok("POST", f"/clients/{c}/subscribe", {"event": "newsUpdate"}) == {"result": {"newsUpdate": "ok"}}
    assert agent.ok("POST", f"/clients/{c}/subscribe", {"event": "newMail"}) == {"result": {"newMail": "ok"}}
    assert agent.ok("POST", f"/clients/{c}/subscribe", {"event": "inexistent"}) == {
        "error": {
            "kind": "subscription",
            "message": "rpc.on: subscribing to 'inexistent' failed: provided event invalid",
            "status": "provided event invalid",
        }
    }
    assert agent.ok("POST", f"/clients/{c}/subscribe", {"event": "secretNews"}) == {
        "error": {"kind": "rpc", "code": -32606, "message": "Event forbidden"}
    }
    node.admin("POST", "/admin/emit", {"event": "newsUpdate", "args": ["fox"]})
    node.admin("POST", "/admin/emit", {"event": "newMail", "args": []})
    node.admin("POST", "/admin/emit", {"event": "newsUpdate", "args": [{"a": 1}]})
    news = agent.ok("GET", f"/clients/{c}/events?event=newsUpdate&count=2&waitMs=3000")
    assert news == {"result": [{"event": "newsUpdate", "args": ["fox"]}, {"event": "newsUpdate", "args": [{"a": 1}]}]}
    everything = agent.ok("GET", f"/clients/{c}/events?count=3&waitMs=3000")["result"]
    assert [e["event"] for e in everything] == ["newsUpdate", "newMail", "newsUpdate"]

    assert agent.ok("POST", f"/clients/{c}/unsubscribe", {"event": "newsUpdate"}) == {"result": {"newsUpdate": "ok"}}
    assert agent.ok("POST", f"/clients/{c}/unsubscribe", {"event": "newsUpdate"}) == {
        "result": {"newsUpdate": "not subscribed"}
    }
    agent.ok("DELETE", f"/clients/{c}")


def test_pause_stops_reading_until_resume(agent: AgentProcess, node: ServerUnderTest) -> None:
    c = agent.new_client(node.url(), pingIntervalMs=0)
    if agent.flavour == "sync":  # the synchronous client cannot stop reading its socket
        assert agent.request("POST", f"/clients/{c}/pause") == (
            501, {"error": "the synchronous client cannot stop reading its socket"}
        )
        agent.ok("DELETE", f"/clients/{c}")
        return
    agent.ok("POST", f"/clients/{c}/subscribe", {"event": "updatedNews"})
    assert agent.ok("POST", f"/clients/{c}/pause") == {"result": None}
    node.admin("POST", "/admin/emit", {"event": "updatedNews", "args": ["queued"]})
    # While paused the frame waits in the kernel: nothing may arrive within the wait.
    assert agent.ok("GET", f"/clients/{c}/events?count=1&waitMs=300") == {"result": []}
    assert agent.ok("POST", f"/clients/{c}/resume") == {"result": None}
    assert agent.ok("GET", f"/clients/{c}/events?count=1&waitMs=3000") == {
        "result": [{"event": "updatedNews", "args": ["queued"]}]
    }
    agent.ok("DELETE", f"/clients/{c}")


def test_lone_surrogates_travel_through_the_agent(agent: AgentProcess, node: ServerUnderTest) -> None:
    c = agent.new_client(node.url(), callTimeoutMs=5000)
    reply = urllib.request.Request(
        agent.base + f"/clients/{c}/call",
        data=b'{"method":"echo","params":["a\\ud800b","\\ud83d\\ude00"]}',  # JSON escapes, as a JS client sends
        method="POST",
    )
    with urllib.request.urlopen(reply, timeout=10) as response:
        text = response.read()
    assert text == '{"result":["a\\ud800b","😀"]}'.encode()  # valid UTF-8, written as V8 writes it
    agent.ok("DELETE", f"/clients/{c}")


def test_restart_is_survived_with_restore(agent: AgentProcess, own_node: ServerUnderTest) -> None:
    c = agent.new_client(own_node.url(), reconnectInterval=50, maxReconnects=0, pingIntervalMs=0)
    agent.ok("POST", f"/clients/{c}/login", {"params": CREDENTIALS})
    agent.ok("POST", f"/clients/{c}/subscribe", {"event": "newsUpdate"})

    own_node.kill()
    dropped = agent.ok("GET", f"/clients/{c}/lifecycle?type=error&count=1&waitMs=5000")["result"]
    assert dropped["state"] in ("reconnecting", "connecting")
    assert {"type": "close", "code": 1006, "reason": ""} in dropped["log"]

    own_node.restart_same_port()
    back = agent.ok("GET", f"/clients/{c}/lifecycle?type=reconnected&count=1&waitMs=5000")["result"]
    assert back["state"] == "connected"
    assert {"type": "reconnected", "eventsMayHaveBeenMissed": True} in back["log"]
    types = [entry["type"] for entry in back["log"]]
    assert types[:2] == ["open", "close"] and types[-2:] == ["open", "reconnected"]
    reconnecting = [e for e in back["log"] if e["type"] == "reconnecting"]
    assert reconnecting[0] == {"type": "reconnecting", "attempt": 1, "delayMs": 50}

    assert agent.ok("POST", f"/clients/{c}/call", {"method": "cryptic"}) == {"result": "boohoo"}
    own_node.admin("POST", "/admin/emit", {"event": "newsUpdate", "args": ["back"]})
    assert agent.ok("GET", f"/clients/{c}/events?count=1&waitMs=3000") == {
        "result": [{"event": "newsUpdate", "args": ["back"]}]
    }
    agent.ok("DELETE", f"/clients/{c}")


def test_max_reconnects_reached(agent: AgentProcess, own_node: ServerUnderTest) -> None:
    c = agent.new_client(own_node.url(), reconnectInterval=20, maxReconnects=2, pingIntervalMs=0)
    own_node.kill()
    result = agent.ok("GET", f"/clients/{c}/lifecycle?type=maxReconnectsReached&count=1&waitMs=5000")["result"]
    assert result["state"] == "closed"
    assert [e["attempt"] for e in result["log"] if e["type"] == "reconnecting"] == [1, 2]
    assert result["log"][-1] == {"type": "maxReconnectsReached", "code": 1006, "reason": ""}
    agent.ok("DELETE", f"/clients/{c}")


def test_bad_requests(agent: AgentProcess) -> None:
    refused = agent.ok("POST", "/clients", {"url": f"ws://127.0.0.1:{free_port()}/", "options": {"reconnect": False}})
    assert refused["error"]["kind"] == "connection"
    status, reply = agent.request("POST", "/clients", {"url": "htp://x"})
    assert status == 400 and "not a WebSocket URL" in reply["error"]  # at once, without reconnect attempts

    assert agent.request("POST", "/clients", {"options": {}})[0] == 400
    assert agent.request("POST", "/clients", {"url": "ws://x", "options": {"maxReconnects": "many"}})[0] == 400
    status, reply = http_json("POST", agent.base + "/clients", None)
    assert status == 400 and "error" in reply
    nan = urllib.request.Request(agent.base + "/clients", data=b'{"url":NaN}', method="POST")
    with pytest.raises(urllib.error.HTTPError) as not_json:
        urllib.request.urlopen(nan, timeout=10)
    assert not_json.value.code == 400
    not_json = urllib.request.Request(agent.base + "/clients", data=b"{nope", method="POST")
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(not_json, timeout=10)
    assert raised.value.code == 400 and "not JSON" in json.loads(raised.value.read())["error"]
    assert agent.request("GET", "/clients/c999/events") == (404, {"error": "unknown client c999"})
    assert agent.request("GET", "/nowhere")[0] == 404
