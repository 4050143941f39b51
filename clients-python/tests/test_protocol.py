"""Unit tests of the wire rules (no I/O): encoding, dispatch, reply outcomes, errors, backoff."""

from __future__ import annotations

import json

import pytest

from rpcws_client import MalformedReplyError, ServerError, reconnect_delay
from rpcws_client.protocol import (
    Event,
    Ignored,
    Reply,
    classify,
    encode_call,
    encode_notification,
    id_key,
    notification_args,
    reply_outcome,
)


def test_call_frames_match_the_reference_client() -> None:
    assert encode_call(1, "sum", [5, 3]) == '{"jsonrpc":"2.0","method":"sum","params":[5,3],"id":1}'
    assert encode_call(3, "greet") == '{"jsonrpc":"2.0","method":"greet","id":3}'
    assert encode_call(4, "echo", {}) == '{"jsonrpc":"2.0","method":"echo","params":{},"id":4}'
    assert encode_call(5, "echo", []) == '{"jsonrpc":"2.0","method":"echo","params":[],"id":5}'
    assert encode_notification("sum", [1, 2]) == '{"jsonrpc":"2.0","method":"sum","params":[1,2]}'
    assert encode_notification("greet") == '{"jsonrpc":"2.0","method":"greet"}'


def test_non_ascii_is_sent_as_utf8_text_and_nan_is_refused() -> None:
    assert encode_call(1, "echo", ["é😀"]) == '{"jsonrpc":"2.0","method":"echo","params":["é😀"],"id":1}'
    with pytest.raises(ValueError):
        encode_call(1, "echo", [float("nan")])


@pytest.mark.parametrize(
    ("params", "args"),
    [
        ([], ()),
        ({}, ()),
        (None, ()),
        (["fox"], ("fox",)),
        (["fox", "mtv"], ("fox", "mtv")),
        ({"foo": "bar"}, ({"foo": "bar"},)),
        ([[1, 2]], ([1, 2],)),
        ([None], (None,)),
        ("xy", ("x", "y")),
        ("", ()),
        (42, ()),
        (True, ()),
    ],
)
def test_notification_params_become_listener_arguments(params: object, args: tuple[object, ...]) -> None:
    assert notification_args(params) == args


@pytest.mark.parametrize(
    ("value", "key"),
    [(1, "1"), ("1", "1"), (1.0, "1"), ("abc", "abc"), (None, None), (True, None), (1.5, None), ({"x": 1}, None)],
)
def test_ids_compare_as_strings(value: object, key: str | None) -> None:
    assert id_key(value) == key


def test_dispatch_order() -> None:
    pending = {"1", "7"}
    assert classify('{"notification":"ev","params":["a","b"]}', pending) == Event("ev", ("a", "b"))
    assert classify('{"notification":"ev"}', pending) == Event("ev", ())
    assert classify('{"notification":"ev","params":null}', pending) == Event("ev", ())
    # A notification wins over a matching id.
    assert classify('{"notification":"ev","params":[],"id":1}', pending) == Event("ev", ())
    assert classify('{"jsonrpc":"2.0","result":3,"id":"1"}', pending) == Reply("1", {"jsonrpc": "2.0", "result": 3, "id": "1"})
    assert classify('{"jsonrpc":"2.0","result":3,"id":7}', pending).key == "7"  # type: ignore[union-attr]
    # A matching id wins over a method.
    assert isinstance(classify('{"jsonrpc":"2.0","method":"m","result":1,"id":1}', pending), Reply)
    # Standard JSON-RPC notifications: params is ONE argument.
    assert classify('{"jsonrpc":"2.0","method":"ev2","params":[1,2]}', pending) == Event("ev2", ([1, 2],))
    assert classify('{"jsonrpc":"2.0","method":"ev2"}', pending) == Event("ev2", ())
    assert classify('{"jsonrpc":"2.0","method":"ev2","params":null}', pending) == Event("ev2", (None,))


@pytest.mark.parametrize(
    "frame",
    [
        "this is not json",
        b"\xff\xfe",
        '[{"jsonrpc":"2.0","result":3,"id":1}]',
        "42",
        '{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}',
        '{"jsonrpc":"2.0","result":3,"id":2}',
        '{"jsonrpc":"2.0","result":3}',
        '{"notification":"","params":[]}',
        '{"notification":5,"params":[]}',
        '{"method":["x"]}',
    ],
)
def test_frames_without_a_destination_are_ignored(frame: str | bytes) -> None:
    assert isinstance(classify(frame, {"1"}), Ignored)


def test_binary_frames_are_read_as_utf8_json() -> None:
    assert classify(b'{"result":"bin-ok","id":1}', {"1"}) == Reply("1", {"result": "bin-ok", "id": 1})
    assert classify('{"notification":"é","params":["ü"]}'.encode(), set()) == Event("é", ("ü",))


def test_reply_outcomes() -> None:
    assert reply_outcome({"result": None, "id": 1}) is None
    assert reply_outcome({"result": [1], "id": 1}) == [1]
    with pytest.raises(MalformedReplyError):
        reply_outcome({"id": 1})
    with pytest.raises(MalformedReplyError):
        reply_outcome({"result": 1, "error": None, "id": 1})


def test_error_objects_keep_absent_and_null_data_apart() -> None:
    with pytest.raises(ServerError) as absent:
        reply_outcome({"error": {"code": -32601, "message": "Method not found"}, "id": 1})
    assert (absent.value.code, absent.value.message, absent.value.data, absent.value.has_data) == (
        -32601,
        "Method not found",
        None,
        False,
    )
    assert absent.value.kind == "rpc" and not absent.value.raw

    with pytest.raises(ServerError) as null:
        reply_outcome({"error": {"code": -32051, "message": "No data", "data": None}, "id": 1})
    assert (null.value.code, null.value.data, null.value.has_data) == (-32051, None, True)
    assert null.value.error == {"code": -32051, "message": "No data", "data": None}


@pytest.mark.parametrize("value", ["Socket ID does not match!", 0, None, {"nested": []}.get("x"), [1]])
def test_bare_error_values_reject_with_the_value_as_data(value: object) -> None:
    with pytest.raises(ServerError) as raised:
        reply_outcome({"error": value, "id": 1})
    error = raised.value
    assert error.raw and error.code is None and error.data == value and error.has_data
    assert error.message == (value if isinstance(value, str) else json.dumps(value))


def test_fixed_reconnect_delay() -> None:
    assert [reconnect_delay(n, 1.0) for n in (1, 2, 10)] == [1.0, 1.0, 1.0]


def test_backoff_doubles_caps_and_jitters_within_half_to_full() -> None:
    low = [reconnect_delay(n, 0.5, backoff=True, max_delay=3.0, rand=lambda: 0.0) for n in range(1, 7)]
    high = [reconnect_delay(n, 0.5, backoff=True, max_delay=3.0, rand=lambda: 1.0) for n in range(1, 7)]
    assert high == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert low == [d / 2 for d in high]
    assert reconnect_delay(10_000, 0.5, backoff=True, max_delay=30.0, rand=lambda: 1.0) == 30.0
