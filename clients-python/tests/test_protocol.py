"""Unit tests of the wire rules (no I/O): encoding, pending calls, dispatch, reply outcomes, errors."""

from __future__ import annotations

import json
from concurrent.futures import Future
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rpcws_client import (
    CallTimeoutError,
    ConnectionLostError,
    EncodingError,
    MalformedReplyError,
    RpcError,
    ServerError,
)
from rpcws_client.protocol import (
    Event,
    Ignored,
    PendingCalls,
    Reply,
    classify,
    dumps,
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


def test_non_ascii_is_sent_as_utf8_text_and_lone_surrogates_as_v8_escapes() -> None:
    assert encode_call(1, "echo", ["é😀"]) == '{"jsonrpc":"2.0","method":"echo","params":["é😀"],"id":1}'
    # What V8's well-formed JSON.stringify writes for the same UTF-16 strings.
    assert dumps(["a\ud800b"]) == '["a\\ud800b"]'
    assert dumps({"\udfff": "\udbff"}) == '{"\\udfff":"\\udbff"}'
    assert dumps(["\ud83d\ude00"]) == '["😀"]'  # a pair held as two code points is the character
    assert dumps(["\ude00\ud83d"]) == '["\\ude00\\ud83d"]'  # low then high: two lone surrogates
    assert dumps(["\ud83d\ud83d\ude00"]) == '["\\ud83d😀"]'
    assert dumps(["\x00\x1f\x7f\u2028\"\\"]) == '["\\u0000\\u001f\x7f\u2028\\"\\\\"]'


@pytest.mark.parametrize(
    "params",
    [[float("nan")], [float("inf")], {"x": -float("inf")}, [object()], [{1, 2}], [b"bytes"]],
    ids=["nan", "inf", "-inf", "object", "set", "bytes"],
)
def test_what_json_cannot_hold_raises_an_encoding_error_naming_the_method(params: Any) -> None:
    with pytest.raises(EncodingError) as raised:
        encode_call(1, "echo", params)
    error = raised.value
    assert isinstance(error, RpcError) and isinstance(error, ValueError)
    assert error.kind == "encoding" and error.method == "echo" and str(error).startswith("echo: cannot encode")
    with pytest.raises(EncodingError):
        encode_notification("echo", params)


def test_a_circular_structure_raises_an_encoding_error() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(EncodingError):
        encode_call(1, "echo", loop)


# Any code point, surrogates often: Hypothesis' text() never yields them, so strings are joined by hand.
any_text = st.lists(st.characters() | st.characters(categories=["Cs"]), max_size=12).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=20,
)


def utf16(value: Any) -> Any:
    """``value`` with every string as its UTF-16 code units: what a JavaScript peer sees. A pair of surrogate
    code points and the character they encode are the same string there."""
    if isinstance(value, str):
        return value.encode("utf-16-le", "surrogatepass")
    if isinstance(value, list):
        return [utf16(v) for v in value]
    if isinstance(value, dict):
        keys = [utf16(k) for k in value]
        assume(len(set(keys)) == len(keys))  # two keys JavaScript cannot tell apart
        return dict(zip(keys, (utf16(v) for v in value.values())))
    return value


@given(json_values)
def test_every_encoding_is_valid_utf8_json_that_reads_back_the_same(value: Any) -> None:
    text = dumps(value)
    text.encode("utf-8")  # strict: a surrogate left in the text would raise here
    assert utf16(json.loads(text)) == utf16(value)  # lone surrogates survive as escapes, pairs as characters


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
    pending, listening = {"1", "7"}, {"ev"}
    assert classify('{"notification":"ev","params":["a","b"]}', pending, listening) == Event("ev", ("a", "b"))
    assert classify('{"notification":"ev"}', pending, listening) == Event("ev", ())
    assert classify('{"notification":"ev","params":null}', pending, listening) == Event("ev", ())
    # A notification somebody listens to wins over a matching id.
    assert classify('{"notification":"ev","params":[],"id":1}', pending, listening) == Event("ev", ())
    assert classify('{"jsonrpc":"2.0","result":3,"id":"1"}', pending, listening) == Reply(
        "1", {"jsonrpc": "2.0", "result": 3, "id": "1"}
    )
    assert classify('{"jsonrpc":"2.0","result":3,"id":7}', pending, listening) == Reply(
        "7", {"jsonrpc": "2.0", "result": 3, "id": 7}
    )
    # A matching id wins over a method.
    assert isinstance(classify('{"jsonrpc":"2.0","method":"m","result":1,"id":1}', pending, listening), Reply)
    # Standard JSON-RPC notifications: params is ONE argument.
    assert classify('{"jsonrpc":"2.0","method":"ev2","params":[1,2]}', pending, listening) == Event("ev2", ([1, 2],))
    assert classify('{"jsonrpc":"2.0","method":"ev2"}', pending, listening) == Event("ev2", ())
    assert classify('{"jsonrpc":"2.0","method":"ev2","params":null}', pending, listening) == Event("ev2", (None,))


def test_a_notification_nobody_listens_to_falls_through_to_the_id_then_the_method() -> None:
    pending, nobody = {"1"}, set[str]()
    frame = '{"notification":"ev","result":"r","id":1}'
    assert classify(frame, pending, nobody) == Reply("1", {"notification": "ev", "result": "r", "id": 1})
    assert classify('{"notification":"ev","method":"m","params":[1]}', pending, nobody) == Event("m", ([1],))
    assert isinstance(classify('{"notification":"ev","params":[1]}', pending, nobody), Ignored)
    # A listener of another event does not count.
    assert isinstance(classify(frame, pending, {"other"}), Reply)


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
    assert isinstance(classify(frame, {"1"}, {"", "5", "x"}), Ignored)


def test_binary_frames_are_read_as_utf8_json() -> None:
    assert classify(b'{"result":"bin-ok","id":1}', {"1"}, set()) == Reply("1", {"result": "bin-ok", "id": 1})
    assert classify('{"notification":"é","params":["ü"]}'.encode(), set(), {"é"}) == Event("é", ("ü",))


def test_pending_calls_number_from_one_and_settle_by_id() -> None:
    calls = PendingCalls()
    first: Future[Any] = Future()
    second: Future[Any] = Future()
    assert calls.open("sum", [1, 2], first) == ("1", '{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}')
    with pytest.raises(EncodingError):
        calls.open("echo", [float("nan")], Future())  # refused before taking an id
    assert calls.open("boom", None, second)[0] == "2"
    assert "1" in calls and "2" in calls and len(calls) == 2

    calls.settle(Reply("1", {"result": 3, "id": 1}))
    calls.settle(Reply("2", {"error": {"code": -32601, "message": "Method not found"}, "id": 2}))
    assert first.result() == 3
    assert str(second.exception()) == "boom: -32601 Method not found"

    late: Future[Any] = Future()
    key, _ = calls.open("hang", None, late)
    calls.forget(key)
    calls.settle(Reply(key, {"result": "late", "id": 3}))  # dropped: nobody waits any more
    assert not late.done()


def test_pending_calls_fail_together_when_the_connection_goes() -> None:
    calls = PendingCalls()
    waiting: list[Future[Any]] = [Future(), Future()]
    calls.open("a", None, waiting[0])
    calls.open("b", None, waiting[1])
    calls.settle(Reply("1", {"result": 1, "id": 1}))
    calls.fail_all(ConnectionLostError, "connection closed (1006)")
    assert waiting[0].result() == 1  # settled before: stays so
    lost = waiting[1].exception()
    assert isinstance(lost, ConnectionLostError) and str(lost) == "b: connection closed (1006)" and lost.method == "b"


def test_errors_name_the_method_of_the_call() -> None:
    with pytest.raises(ServerError) as raised:
        reply_outcome({"error": {"code": -32601, "message": "Method not found"}, "id": 1}, "power")
    assert str(raised.value) == "power: -32601 Method not found"
    assert raised.value.method == "power" and raised.value.message == "Method not found"
    with pytest.raises(ServerError) as with_data:
        reply_outcome({"error": {"code": -32050, "message": "Server error", "data": "d"}, "id": 1}, "boom")
    assert str(with_data.value) == 'boom: -32050 Server error (d)'
    with pytest.raises(ServerError) as bare:
        reply_outcome({"error": "Socket ID does not match!", "id": 1}, "sqrt_protected")
    assert str(bare.value) == "sqrt_protected: Socket ID does not match!"
    with pytest.raises(MalformedReplyError) as malformed:
        reply_outcome({"id": 1}, "update")
    assert str(malformed.value).startswith("update: server response malformed")


def test_a_call_timeout_is_a_timeout_error() -> None:
    with pytest.raises(TimeoutError):
        raise CallTimeoutError("sum: reply timeout", method="sum")
    assert issubclass(CallTimeoutError, RpcError)


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
