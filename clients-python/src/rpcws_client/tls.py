"""A TLS socket that two threads share without ever being inside OpenSSL at the same time.

``websockets.sync`` reads its socket on a thread of its own while other threads write to it. Over TLS
both go through one OpenSSL ``SSL`` object, CPython releases the GIL around ``SSL_read`` and ``SSL_write``,
and OpenSSL forbids using one ``SSL`` object from two threads at once. TLS 1.3 makes the overlap near
certain at the worst moment: the server's session tickets arrive just after the TLS handshake, the reader
enters a blocking ``SSL_read`` for them and stays there waiting for application data, and meanwhile the
opening handshake request goes out through ``SSL_write``. Now and then the request never reaches the
server, or the stream is garbled, and the opening handshake times out.

:class:`SerializedTLSSocket` turns the socket non-blocking and makes each OpenSSL call under one lock,
then waits for the network with the lock released: a reader waiting for data never holds up a writer.
"""

from __future__ import annotations

import selectors
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["SerializedTLSSocket"]

T = TypeVar("T")

# A wait for the network looks this often whether another thread closed the socket meanwhile (a close
# does not wake a thread that polls the descriptor).
CLOSE_CHECK_INTERVAL = 0.1


class SerializedTLSSocket:
    """The part of ``socket.socket`` that ``websockets.sync`` uses, over an ``ssl.SSLSocket`` used by one
    thread at a time. Timeouts keep their meaning (None blocks; a number bounds each ``recv`` and
    ``sendall``) but are kept here: the socket itself stays non-blocking."""

    def __init__(self, sock: ssl.SSLSocket) -> None:
        self._sock = sock
        self._lock = threading.Lock()
        self._timeout = sock.gettimeout()
        sock.setblocking(False)

    def recv(self, bufsize: int) -> bytes:
        return self._call(lambda: self._sock.recv(bufsize), self._deadline())

    def sendall(self, data: Any) -> None:
        deadline = self._deadline()
        view = memoryview(data).cast("B")
        while view:
            # After a want-read/want-write OpenSSL needs the same bytes again; a success writes them all.
            view = view[self._call(lambda: self._sock.send(view), deadline):]

    def shutdown(self, how: int) -> None:
        with self._lock:
            self._sock.shutdown(how)

    def close(self) -> None:
        with self._lock:
            self._sock.close()

    def fileno(self) -> int:
        return self._sock.fileno()

    def gettimeout(self) -> float | None:
        return self._timeout

    def settimeout(self, timeout: float | None) -> None:
        self._timeout = timeout

    def getsockname(self) -> Any:
        return self._sock.getsockname()

    def getpeername(self) -> Any:
        return self._sock.getpeername()

    def _deadline(self) -> float | None:
        return None if self._timeout is None else time.monotonic() + self._timeout

    def _call(self, operation: Callable[[], T], deadline: float | None) -> T:
        """Run one non-blocking OpenSSL operation under the lock until it completes; wait outside it."""
        while True:
            with self._lock:
                try:
                    return operation()  # a closed socket raises OSError here, ending the loop
                except ssl.SSLWantReadError:
                    event = selectors.EVENT_READ
                except ssl.SSLWantWriteError:
                    event = selectors.EVENT_WRITE
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeoutError("timed out")
            self._wait(event, CLOSE_CHECK_INTERVAL if left is None else min(left, CLOSE_CHECK_INTERVAL))

    def _wait(self, event: int, timeout: float) -> None:
        fd = self._sock.fileno()
        if fd < 0:
            return  # closed meanwhile: the next attempt raises
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(fd, event)
                selector.select(timeout)
        except (OSError, ValueError):
            return  # closed meanwhile: the next attempt raises
