"""The client heartbeat (docs/client-behaviour.md, "Heartbeat"), for both clients.

Every ``interval`` the client pings. If neither the pong nor any other frame arrives within ``pong_timeout``
of the ping, the peer is dead: the socket is aborted without a close handshake (a peer that does not answer
pings will not answer that either), which the client sees as a drop with code 1006, and the reconnect rules
apply. The ``websockets`` library's own keepalive is off: it ignores other frames and closes with 1011.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection as AsyncConnection
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection as SyncConnection

logger = logging.getLogger("rpcws_client")


def _peer_silent(last_received: Callable[[], float], ping_sent_at: float) -> bool:
    """No pong came in time: the peer is dead unless another frame arrived since the ping."""
    return last_received() < ping_sent_at


def _report_dead(url: str, pong_timeout: float) -> None:
    logger.warning("no pong from %s within %.3gs: dropping the connection", url, pong_timeout)


async def keep_alive(
    ws: AsyncConnection, url: str, interval: float, pong_timeout: float, last_received: Callable[[], float]
) -> None:
    """The asyncio heartbeat of one connection; ``last_received()`` is the ``time.monotonic()`` of the last
    frame.

    Runs until the connection ends (the client cancels it then) or the peer is found dead.
    """
    while True:
        await asyncio.sleep(interval)
        sent_at = time.monotonic()
        try:
            pong = await ws.ping()
            await asyncio.wait_for(asyncio.shield(pong), pong_timeout)
        except ConnectionClosed:
            return
        except asyncio.TimeoutError:
            if not _peer_silent(last_received, sent_at):
                continue  # the peer is talking, just not ponging yet
            _report_dead(url, pong_timeout)
            ws.transport.abort()
            return


def keep_alive_blocking(
    ws: SyncConnection,
    url: str,
    interval: float,
    pong_timeout: float,
    last_received: Callable[[], float],
    stopped: threading.Event,
) -> None:
    """The synchronous client's heartbeat of one connection, run on a thread of its own until ``stopped``
    is set or the peer is found dead; ``last_received()`` is the ``time.monotonic()`` of the last frame."""
    while not stopped.wait(interval):
        sent_at = time.monotonic()
        try:
            pong = ws.ping()
        except ConnectionClosed:
            return
        if pong.wait(pong_timeout) or stopped.is_set() or not _peer_silent(last_received, sent_at):
            continue
        _report_dead(url, pong_timeout)
        try:
            # The reader then meets the end of the stream: a drop without a close frame (1006).
            ws.socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed
        return
