"""The one error family of the client: every failed operation raises an :class:`RpcError`.

``kind`` names the failure the same way the agent control API does (docs/agent-control-api.md).
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
        code: int | None = None,
        data: Any = None,
        has_data: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.data = data
        # `data` absent and `"data": null` both give data None; this flag tells them apart.
        self.has_data = has_data


class ServerError(RpcError):
    """The reply carried an ``error`` member; ``error`` holds it exactly as sent.

    An object gives ``code``/``message``/``data`` (``raw`` is False). Any other value (the reference
    sends a thrown string verbatim, e.g. ``"Socket ID does not match!"``) gives ``raw`` True,
    ``code`` None, ``data`` the value and ``message`` its text.
    """

    kind = "rpc"

    def __init__(self, error: Any) -> None:
        self.error = error
        self.raw = not isinstance(error, dict)
        if self.raw:
            super().__init__(_text(error), data=error, has_data=True)
            return
        code = error.get("code")
        message = error.get("message", "")
        super().__init__(
            _text(message),
            code=code if isinstance(code, int) and not isinstance(code, bool) else None,
            data=error.get("data"),
            has_data="data" in error,
        )

    def __str__(self) -> str:
        if self.raw:
            return self.message
        detail = f" ({_text(self.data)})" if self.has_data else ""
        return f"{self.code} {self.message}{detail}"


class CallTimeoutError(RpcError):
    """The call's timeout elapsed (while waiting for the connection or for the reply)."""

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
        super().__init__(message)
        self.result = result


class SubscriptionError(RpcError):
    """``rpc.on`` answered with a status other than ``ok`` / already subscribed."""

    kind = "subscription"

    def __init__(self, event: str, status: Any) -> None:
        super().__init__(f"subscribing to {event!r} failed: {_text(status)}")
        self.event = event
        self.status = status


class MalformedReplyError(RpcError):
    """The reply had both ``result`` and ``error``, or neither."""

    kind = "malformed"

    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__(
            'server response malformed: a reply must include either "result" or "error", but not both'
        )
        self.reply = reply
