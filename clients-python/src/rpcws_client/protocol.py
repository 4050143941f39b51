"""The client side of the rpc-websockets 10 wire, without I/O.

Encodes requests and classifies inbound frames by the dispatch rules of docs/client-behaviour.md
("Inbound dispatch"), which follow the reference client (protocol reference 5.4) minus its crashes.
"""

from __future__ import annotations

import json
from collections.abc import Container
from dataclasses import dataclass
from typing import Any

from .errors import MalformedReplyError, ServerError

# rpc.on statuses that mean "the connection is subscribed" (protocol reference 3.6).
SUBSCRIBED_STATUSES = frozenset({"ok", "socket has already been subscribed to event"})


def _dumps(frame: dict[str, Any]) -> str:
    # allow_nan=False: NaN/Infinity are not JSON, so refuse them here instead of sending a frame the
    # server cannot parse.
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode_call(request_id: int, method: str, params: Any = None) -> str:
    """A request frame; ``params`` None is omitted, never sent as ``null`` (reference issue #151)."""
    frame: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        frame["params"] = params
    frame["id"] = request_id
    return _dumps(frame)


def encode_notification(method: str, params: Any = None) -> str:
    frame: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        frame["params"] = params
    return _dumps(frame)


@dataclass(frozen=True)
class Event:
    """An event for the listeners of ``name``, called with ``args``."""

    name: str
    args: tuple[Any, ...]


@dataclass(frozen=True)
class Reply:
    """The reply to the pending call whose id key is ``key``."""

    key: str
    frame: dict[str, Any]


@dataclass(frozen=True)
class Ignored:
    reason: str


Inbound = Event | Reply | Ignored


def id_key(value: Any) -> str | None:
    """The key a reply id is matched by: ids compare as strings, so ``1`` and ``"1"`` match.

    Integral floats count as integers (JavaScript has one number type). ``null``, booleans and other
    values never match a call this client made.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value
    return None


def notification_args(params: Any) -> tuple[Any, ...]:
    """Listener arguments for a ``{"notification": ..., "params": ...}`` frame.

    As the reference client computes them (and the Java SDK): a value without own keys (``[]``, ``{}``,
    numbers, booleans, ``""``) gives none, an object one argument, anything else is spread (an array's
    elements, a string's characters). Absent or null gives none (the reference client crashes there).
    """
    if isinstance(params, dict):
        return (params,) if params else ()
    if isinstance(params, (list, str)):
        return tuple(params)
    return ()


def classify(message: str | bytes, pending: Container[str]) -> Inbound:
    """What one inbound frame is: an event, the reply to a pending call, or nothing to act on.

    Binary frames are read as UTF-8 JSON text, like the reference Node client does.
    """
    try:
        frame = json.loads(message)
    except (ValueError, UnicodeDecodeError):
        return Ignored("not JSON")
    if isinstance(frame, list):
        return Ignored("batch reply (this client never sends batches)")
    if not isinstance(frame, dict):
        return Ignored("not a JSON object")

    name = frame.get("notification")
    if name:
        if not isinstance(name, str):
            return Ignored("notification name is not a string")
        return Event(name, notification_args(frame.get("params")))

    key = id_key(frame.get("id"))
    if key is not None and key in pending:
        return Reply(key, frame)

    method = frame.get("method")
    if method:
        if not isinstance(method, str):
            return Ignored("method name is not a string")
        # Standard JSON-RPC notifications (Solana-style servers): params is one argument.
        return Event(method, (frame["params"],) if "params" in frame else ())

    return Ignored("no pending call with this id")


def reply_outcome(frame: dict[str, Any]) -> Any:
    """The result of a reply, or raise the error it carries.

    Raises MalformedReplyError when the reply has both ``result`` and ``error`` or neither, and
    ServerError when it has ``error`` (whatever its value: presence decides, not truthiness).
    """
    has_result, has_error = "result" in frame, "error" in frame
    if has_result == has_error:
        raise MalformedReplyError(frame)
    if has_error:
        raise ServerError(frame["error"])
    return frame["result"]
