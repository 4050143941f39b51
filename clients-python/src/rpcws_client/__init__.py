"""asyncio client for rpc-websockets 10 servers (JSON-RPC 2.0 over WebSocket with events and login)."""

from .client import DEFAULT, Client, State, Subscription, reconnect_delay
from .errors import (
    AuthError,
    CallTimeoutError,
    ConnectionLostError,
    MalformedReplyError,
    NotConnectedError,
    RpcConnectionError,
    RpcError,
    ServerError,
    SubscriptionError,
)

__all__ = [
    "DEFAULT",
    "AuthError",
    "CallTimeoutError",
    "Client",
    "ConnectionLostError",
    "MalformedReplyError",
    "NotConnectedError",
    "RpcConnectionError",
    "RpcError",
    "ServerError",
    "State",
    "Subscription",
    "SubscriptionError",
    "reconnect_delay",
]
