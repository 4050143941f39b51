"""The one error family of both clients: every failed operation raises an :class:`RpcError`.

``kind`` names the failure the same way the agent control API does (docs/agent-control-api.md). ``method``
names the call that failed, when the failure is about one call, and every such message starts with it, as
in the Java SDK.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class RpcError(Exception):
    """Base class. ``code``/``data`` are only set for errors the server sent."""

    kind: ClassVar[str] = "other"

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        code: int | None = None,
        data: Any = None,
        has_data: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.code = code
        self.data = data
        # `data` absent and `"data": null` both give data None; this flag tells them apart.
        self.has_data = has_data

    def __str__(self) -> str:
        return self.message


class ServerError(RpcError):
    """The reply carried an ``error`` member; ``error`` holds it exactly as sent.

    An object gives ``code``/``message``/``data`` (``raw`` is False). Any other value (the reference
    sends a thrown string verbatim, e.g. ``"Socket ID does not match!"``) gives ``raw`` True,
    ``code`` None, ``data`` the value and ``message`` its text. ``message`` is the server's alone;
    ``str()`` adds the method and the code: ``sum: -32601 Method not found``.
    """

    kind = "rpc"

    def __init__(self, error: Any, method: str | None = None) -> None:
        self.error = error
        self.raw = not isinstance(error, dict)
        if self.raw:
            super().__init__(_text(error), method=method, data=error, has_data=True)
            return
        code = error.get("code")
        message = error.get("message", "")
        super().__init__(
            _text(message),
            method=method,
            code=code if isinstance(code, int) and not isinstance(code, bool) else None,
            data=error.get("data"),
            has_data="data" in error,
        )

    def __str__(self) -> str:
        prefix = f"{self.method}: " if self.method is not None else ""
        if self.raw:
            return prefix + self.message
        detail = f" ({_text(self.data)})" if self.has_data else ""
        return f"{prefix}{self.code} {self.message}{detail}"


class CallTimeoutError(RpcError, TimeoutError):
    """The call's timeout elapsed (while waiting for the connection or for the reply).

    Also a :class:`TimeoutError`, so ``except TimeoutError`` catches it.
    """

    kind = "timeout"


class RpcConnectionError(RpcError):
    """Base for connection failures."""

    kind = "connection"


class NotConnectedError(RpcConnectionError):
    """The client is not connected (and does not wait for a reconnect)."""


class ConnectionLostError(RpcConnectionError):
    """The connection dropped while the call was pending."""


class AuthError(RpcError):
    """``rpc.login`` answered with a falsy result."""

    kind = "auth"

    def __init__(self, message: str, result: Any) -> None:
        super().__init__(message, method="rpc.login")
        self.result = result


class SubscriptionError(RpcError):
    """``rpc.on`` answered with a status other than ``ok`` / already subscribed."""

    kind = "subscription"

    def __init__(self, event: str, status: Any) -> None:
        super().__init__(f"rpc.on: subscribing to {event!r} failed: {_text(status)}", method="rpc.on")
        self.event = event
        self.status = status


class MalformedReplyError(RpcError):
    """The reply had both ``result`` and ``error``, or neither."""

    kind = "malformed"

    def __init__(self, reply: dict[str, Any], method: str | None = None) -> None:
        prefix = f"{method}: " if method is not None else ""
        super().__init__(
            prefix + 'server response malformed: a reply must include either "result" or "error", but not both',
            method=method,
        )
        self.reply = reply


class EncodingError(RpcError, ValueError):
    """The params (or method) cannot be written as JSON: NaN, an infinity, a circular structure, a type JSON
    lacks. Raised for that call alone, before anything is sent; the connection carries on.

    Also a :class:`ValueError`.
    """

    kind = "encoding"


class WrongLoopError(RpcError, RuntimeError):
    """An asyncio :class:`~rpcws_client.Client` was used from an event loop (or thread) other than its own.

    Raised at once, instead of a call that would hang. Also a :class:`RuntimeError`.
    """

    kind = "usage"
