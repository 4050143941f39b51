"""The client side of the rpc-websockets 10 wire, without I/O: shared by the asyncio and the synchronous client.

Encodes requests as V8's ``JSON.stringify`` does, keeps the pending calls, and classifies inbound frames by
the dispatch rules of docs/client-behaviour.md ("Inbound dispatch"), which follow the reference client
(protocol reference 5.4) minus its crashes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Container
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import EncodingError, MalformedReplyError, RpcError, ServerError, SubscriptionError

RPC_ON = "rpc.on"
RPC_OFF = "rpc.off"
RPC_LOGIN = "rpc.login"
LIST_METHODS = "__listMethods"

# rpc.on statuses that mean "the connection is subscribed" (protocol reference 3.6).
SUBSCRIBED_STATUSES = frozenset({"ok", "socket has already been subscribed to event"})

# ---- encoding ----

# A surrogate pair (as a str of two code points can hold) or a lone surrogate.
_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]")


def _well_formed(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) == 2:  # a pair is the one character it encodes, as in a UTF-16 string
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    return f"\\u{ord(text):04x}"


def dumps(value: Any) -> str:
    """``value`` as JSON text, as V8's well-formed ``JSON.stringify`` writes it, and always valid UTF-8.

    Non-ASCII characters (astral ones included) are written as themselves; a lone surrogate, which UTF-8
    cannot carry, as a lower-case ``\\udxxx`` escape. Surrogates can only occur inside JSON strings, so
    rewriting them in the finished text is safe. Raises EncodingError for what JSON cannot hold: NaN, the
    infinities, circular structures and types other than dict, list, tuple, str, int, float, bool and None.
    """
    try:
        # allow_nan=False: NaN/Infinity are not JSON, so refuse them instead of sending a frame the server
        # cannot parse.
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise EncodingError(f"cannot encode as JSON: {exc}") from exc
    return _SURROGATES.sub(_well_formed, text)


def _request(method: str, params: Any) -> dict[str, Any]:
    frame: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:  # omitted, never sent as null (reference issue #151)
        frame["params"] = params
    return frame


def _encode(frame: dict[str, Any], method: str) -> str:
    try:
        return dumps(frame)
    except EncodingError as exc:
        raise EncodingError(f"{method}: {exc}", method=method) from exc.__cause__


def encode_call(request_id: int, method: str, params: Any = None) -> str:
    """A request frame; ``params`` None is omitted. Raises EncodingError naming ``method``."""
    return _encode({**_request(method, params), "id": request_id}, method)


def encode_notification(method: str, params: Any = None) -> str:
    """A notification frame (no id, so no reply); ``params`` None is omitted."""
    return _encode(_request(method, params), method)


# ---- pending calls ----


class Waiter(Protocol):
    """What waits for a reply: an asyncio or a concurrent.futures Future."""

    def done(self) -> bool: ...

    def set_result(self, result: Any) -> None: ...

    def set_exception(self, exception: BaseException) -> None: ...


@dataclass(frozen=True)
class PendingCall:
    method: str
    waiter: Waiter


class PendingCalls:
    """Request ids and the calls waiting for their replies (docs/client-behaviour.md, "Calls").

    Ids are integers from 1, never reused, never reset on reconnect, so a late reply from an earlier
    connection cannot settle a newer call. Not thread-safe: the synchronous client holds its lock.
    """

    def __init__(self) -> None:
        self._next_id = 1
        self._waiting: dict[str, PendingCall] = {}

    def open(self, method: str, params: Any, waiter: Waiter) -> tuple[str, str]:
        """Registers ``waiter`` for a new request; returns its key and the frame to send.

        Raises EncodingError, and changes nothing, when ``params`` cannot be encoded.
        """
        frame = encode_call(self._next_id, method, params)
        key = str(self._next_id)
        self._next_id += 1
        self._waiting[key] = PendingCall(method, waiter)
        return key, frame

    def settle(self, reply: Reply) -> None:
        """Settles the call ``reply`` answers with its result or error; a call already settled stays so."""
        call = self._waiting.get(reply.key)
        if call is None or call.waiter.done():
            return
        try:
            call.waiter.set_result(reply_outcome(reply.frame, call.method))
        except (ServerError, MalformedReplyError) as exc:
            call.waiter.set_exception(exc)

    def forget(self, key: str) -> None:
        """Stops waiting for ``key`` (settled, timed out or abandoned): a later reply is dropped."""
        self._waiting.pop(key, None)

    def fail_all(self, error: type[RpcError], why: str) -> None:
        """Fails every waiting call with ``error(f"{method}: {why}")``: the connection is gone."""
        for call in self._waiting.values():
            if not call.waiter.done():
                call.waiter.set_exception(error(f"{call.method}: {why}", method=call.method))

    def __contains__(self, key: object) -> bool:
        return key in self._waiting

    def __len__(self) -> int:
        return len(self._waiting)


# ---- inbound frames ----


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


def classify(message: str | bytes, pending: Container[str], listening: Container[str]) -> Inbound:
    """What one inbound frame is: an event, the reply to a pending call, or nothing to act on.

    ``pending`` holds the keys of the calls waiting for a reply, ``listening`` the event names the
    application listens to at this moment. Binary frames are read as UTF-8 JSON text, like the reference
    Node client does.
    """
    try:
        frame = json.loads(message)
    except (ValueError, UnicodeDecodeError):
        return Ignored("not JSON")
    if isinstance(frame, list):
        return Ignored("batch reply (this client never sends batches)")
    if not isinstance(frame, dict):
        return Ignored("not a JSON object")

    # A notification goes to its listeners; one nobody listens to falls through, as in the reference.
    name = frame.get("notification")
    if name and isinstance(name, str) and name in listening:
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

    return Ignored("no listener and no pending call for this frame")


def reply_outcome(frame: dict[str, Any], method: str | None = None) -> Any:
    """The result of a reply to ``method``, or raise the error it carries.

    Raises MalformedReplyError when the reply has both ``result`` and ``error`` or neither, and
    ServerError when it has ``error`` (whatever its value: presence decides, not truthiness).
    """
    has_result, has_error = "result" in frame, "error" in frame
    if has_result == has_error:
        raise MalformedReplyError(frame, method)
    if has_error:
        raise ServerError(frame["error"], method)
    return frame["result"]


def subscribed_status(event: str, result: Any) -> dict[str, Any]:
    """The status map ``rpc.on`` answered for ``event``, or SubscriptionError for a failing status.

    ``ok`` and ``socket has already been subscribed to event`` succeed (the reference client resolves on
    any status: deviation C4).
    """
    if not isinstance(result, dict):
        raise SubscriptionError(event, result)
    if result.get(event) not in SUBSCRIBED_STATUSES:
        raise SubscriptionError(event, result.get(event))
    return result
