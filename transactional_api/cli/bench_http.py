"""A minimal HTTP/1.1 keep-alive client for the timed loops of `flywheel bench checkout`.

The load client shares the machine's cores with the server it measures, so its own CPU per
request matters: httpx.AsyncClient spent 0.9 of a core to drive the bare reference
endpoint at 670 requests/s on 2 cores, a third of the machine. This client writes the
request bytes and reads the status line, headers and a Content-Length (or chunked) body,
about a tenth of that. Each load worker owns one connection, so there is no pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import json as jsonlib
from urllib.parse import urlsplit

TIMEOUT = 60.0


class TransportError(Exception):
    """The connection failed or the answer was not HTTP/1.1 we can read."""


class Response:
    __slots__ = ("status_code", "content")

    def __init__(self, status_code: int, content: bytes):
        self.status_code = status_code
        self.content = content

    def json(self):
        return jsonlib.loads(self.content)


class Connection:
    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._host_header = f"{self._host}:{self._port}".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return await self.request("GET", path, b"", headers)

    async def post(self, path: str, *, json=None, content: bytes = b"",
                   headers: dict[str, str] | None = None) -> Response:
        if json is not None:
            content = jsonlib.dumps(json, separators=(",", ":")).encode()
            headers = {"content-type": "application/json", **(headers or {})}
        return await self.request("POST", path, content, headers)

    async def request(self, method: str, path: str, body: bytes,
                      headers: dict[str, str] | None) -> Response:
        try:
            async with asyncio.timeout(TIMEOUT):
                if self._writer is None:
                    self._reader, self._writer = await asyncio.open_connection(
                        self._host, self._port)
                head = [f"{method} {path} HTTP/1.1".encode(), b"host: " + self._host_header,
                        b"content-length: " + str(len(body)).encode()]
                head += [f"{k}: {v}".encode() for k, v in (headers or {}).items()]
                self._writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
                return await self._read()
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                TimeoutError, ValueError) as exc:
            await self.close()
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc

    async def _read(self) -> Response:
        assert self._reader is not None
        lines = (await self._reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = b"close" in value.lower()
        if chunked:
            body = b""
            while size := int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16):
                body += (await self._reader.readexactly(size + 2))[:-2]
            await self._reader.readuntil(b"\r\n")  # the empty trailer
        else:
            body = await self._reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return Response(status, body)

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def run(coro):
    """asyncio.run on uvloop when installed (uvicorn[standard] brings it): a cheaper loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coro)
