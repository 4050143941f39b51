"""Unit tests of the connection state machine (no I/O): states, attempts, delays, lifecycle events."""

from __future__ import annotations

from typing import Any

from rpcws_client import State, reconnect_delay
from rpcws_client.lifecycle import Lifecycle, ReconnectPolicy, Retry


class Machine:
    """A Lifecycle with its events and states recorded."""

    def __init__(self, **policy: Any) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.states: list[State] = []
        self.lifecycle = Lifecycle(
            "ws://127.0.0.1:1/", ReconnectPolicy(**policy), lambda *e: self.events.append(e), self.states.append
        )

    def connected(self) -> Machine:
        assert self.lifecycle.start()
        assert self.lifecycle.opened() is False  # a first connection restores nothing
        return self


def test_a_first_connection() -> None:
    machine = Machine().connected()
    assert machine.events == [("open",)]
    assert machine.states == [State.CONNECTING, State.CONNECTED]
    assert not machine.lifecycle.start()  # connect() while connected: nothing to do


def test_reconnecting_is_announced_when_the_wait_begins() -> None:
    machine = Machine(interval=2.5).connected()
    retry = machine.lifecycle.dropped(1006, "")
    assert retry == Retry(1, 2.5)
    # Before any wait or attempt: the application hears the attempt number and its delay now.
    assert machine.events[-2:] == [("close", 1006, ""), ("reconnecting", 1, 2.5)]
    assert machine.lifecycle.state is State.RECONNECTING
    machine.lifecycle.attempting()
    assert machine.lifecycle.state is State.CONNECTING
    assert machine.events[-1] == ("reconnecting", 1, 2.5)  # nothing more when the attempt starts


def test_a_reconnection_is_restored_before_it_counts_as_connected() -> None:
    machine = Machine(interval=0).connected()
    machine.lifecycle.dropped(4000, "bye")
    machine.lifecycle.attempting()
    assert machine.lifecycle.opened() is True
    assert machine.lifecycle.state is State.CONNECTING  # application calls wait or fail until restored
    machine.lifecycle.restored(True)
    assert machine.lifecycle.state is State.CONNECTED
    assert machine.events[-2:] == [("open",), ("reconnected", True)]


def test_attempts_count_to_the_maximum_then_the_last_close_is_reported() -> None:
    machine = Machine(interval=0.1, max_attempts=3).connected()
    retry = machine.lifecycle.dropped(1001, "going away")
    attempts = []
    while retry is not None:
        attempts.append(retry.attempt)
        machine.lifecycle.attempting()
        retry = machine.lifecycle.failed(ConnectionRefusedError())
    assert attempts == [1, 2, 3]
    assert machine.events[-1] == ("max_reconnects_reached", 1006, "")  # the last attempt could not connect
    assert [e[0] for e in machine.events].count("error") == 3
    assert machine.lifecycle.state is State.CLOSED


def test_attempts_start_again_from_one_after_a_connection_opened() -> None:
    machine = Machine(interval=0, max_attempts=2).connected()
    machine.lifecycle.dropped(1006, "")
    machine.lifecycle.failed(OSError())
    machine.lifecycle.opened()
    machine.lifecycle.restored(False)
    assert machine.lifecycle.dropped(1006, "") == Retry(1, 0)


def test_zero_means_unlimited_attempts() -> None:
    machine = Machine(interval=0, max_attempts=0).connected()
    retry = machine.lifecycle.dropped(1006, "")
    for _ in range(100):
        assert retry is not None
        retry = machine.lifecycle.failed(OSError())
    assert retry == Retry(101, 0)


def test_a_normal_close_an_application_close_and_reconnect_off_are_final() -> None:
    normal = Machine().connected()
    assert normal.lifecycle.dropped(1000, "") is None
    application = Machine().connected()
    application.lifecycle.close()
    assert application.lifecycle.dropped(4000, "bye") is None
    off = Machine(enabled=False).connected()
    assert off.lifecycle.dropped(1006, "") is None
    for machine in (normal, application, off):
        assert machine.lifecycle.state is State.CLOSED
        assert "reconnecting" not in [e[0] for e in machine.events]


def test_a_failed_first_connect_follows_the_reconnect_rules() -> None:
    machine = Machine(interval=0.5, max_attempts=1)
    assert machine.lifecycle.start()
    assert machine.lifecycle.failed(OSError("refused")) == Retry(1, 0.5)
    assert machine.lifecycle.failed(OSError("refused")) is None
    assert [e[0] for e in machine.events] == ["error", "reconnecting", "error", "max_reconnects_reached"]
    off = Machine(enabled=False)
    off.lifecycle.start()
    assert off.lifecycle.failed(OSError()) is None
    assert [e[0] for e in off.events] == ["error"] and off.lifecycle.state is State.CLOSED


def test_fixed_reconnect_delay() -> None:
    assert [reconnect_delay(n, 1.0) for n in (1, 2, 10)] == [1.0, 1.0, 1.0]


def test_backoff_doubles_caps_and_jitters_within_half_to_full() -> None:
    low = [reconnect_delay(n, 0.5, backoff=True, max_delay=3.0, rand=lambda: 0.0) for n in range(1, 7)]
    high = [reconnect_delay(n, 0.5, backoff=True, max_delay=3.0, rand=lambda: 1.0) for n in range(1, 7)]
    assert high == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert low == [d / 2 for d in high]
    assert reconnect_delay(10_000, 0.5, backoff=True, max_delay=30.0, rand=lambda: 1.0) == 30.0
