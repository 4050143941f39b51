from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from support import ServerUnderTest

from rpcws_client import Client

# Every test that takes `server` or `own_server` runs against both; `-k node` / `-k jetty` picks one.
SERVER_KINDS = ["node", "jetty"]


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server-logs")


@pytest.fixture(scope="session", params=SERVER_KINDS)
def server(request: pytest.FixtureRequest, log_dir: Path) -> Iterator[ServerUnderTest]:
    """One server per kind for the whole run; tests must not kill, pause or restart it."""
    running = ServerUnderTest(request.param, log_dir)
    yield running
    running.stop()


@pytest.fixture(params=SERVER_KINDS)
def own_server(request: pytest.FixtureRequest, log_dir: Path) -> Iterator[ServerUnderTest]:
    """A server of each kind for this test alone, which it may kill, restart or pause."""
    running = ServerUnderTest(request.param, log_dir)
    yield running
    running.stop()


@pytest.fixture
async def client(server: ServerUnderTest) -> AsyncIterator[Client]:
    async with Client(server.url(), call_timeout=5) as connected:
        yield connected
