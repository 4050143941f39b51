"""Clients for rpc-websockets 10 servers (JSON-RPC 2.0 over WebSocket with events and login).

``rpcws_client.Client`` is the asyncio client; ``rpcws_client.sync.Client`` the blocking one for scripts
and notebooks. Both raise the errors below.
"""

from .client import Client, Subscription
from .core import DEFAULT
from .errors import (
    AuthError,
    CallTimeoutError,
    ConnectionLostError,
    EncodingError,
    MalformedReplyError,
    NotConnectedError,
    RpcConnectionError,
    RpcError,
    ServerError,
    SubscriptionError,
    WrongLoopError,
)
from .lifecycle import State, reconnect_delay

__all__ = [
    "DEFAULT",
    "AuthError",
    "CallTimeoutError",
    "Client",
    "ConnectionLostError",
    "EncodingError",
    "MalformedReplyError",
    "NotConnectedError",
    "RpcConnectionError",
    "RpcError",
    "ServerError",
    "State",
    "Subscription",
    "SubscriptionError",
    "WrongLoopError",
    "reconnect_delay",
]
