"""``body_outstanding``: what the gthread worker's body deadline reads off gunicorn's own
request bodies (real ``Body``, ``LengthReader`` and ``ChunkedReader`` objects over a socket
pair), so a gunicorn release that changes them fails here rather than in production."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from gunicorn.http.body import Body, ChunkedReader, LengthReader  # type: ignore[import-untyped]
from gunicorn.http.unreader import SocketUnreader  # type: ignore[import-untyped]

from apistack.cmd.workers import body_outstanding


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    client, server = socket.socketpair()
    try:
        yield client, server
    finally:
        client.close()
        server.close()


def test_a_length_body_is_outstanding_until_its_last_byte_is_read(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    client, server = pair
    body = Body(LengthReader(SocketUnreader(server), 10))
    assert body_outstanding(body)
    client.sendall(b"0123456789")
    assert body.read(4) == b"0123"  # gunicorn reads ahead to the end of the body
    assert not body_outstanding(body)
    assert body.read() == b"456789"
    assert not body_outstanding(body)


def test_a_length_body_read_in_part_is_still_outstanding(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    client, server = pair
    reader = LengthReader(SocketUnreader(server), 10)
    client.sendall(b"0123")
    assert reader.read(4) == b"0123"
    assert body_outstanding(Body(reader))


def test_an_empty_length_body_is_not_outstanding(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    assert not body_outstanding(Body(LengthReader(SocketUnreader(pair[1]), 0)))


class _Head:
    """What ChunkedReader asks of its request."""

    limit_request_field_size = 8190
    max_buffer_headers = 32768


def test_a_chunked_body_is_outstanding_until_its_last_chunk(
    pair: tuple[socket.socket, socket.socket],
) -> None:
    client, server = pair
    reader = ChunkedReader(_Head(), SocketUnreader(server))
    assert body_outstanding(Body(reader))
    client.sendall(b"4\r\nabcd\r\n")
    assert reader.read(4) == b"abcd"
    assert body_outstanding(Body(reader))
    client.sendall(b"0\r\n\r\n")
    assert reader.read(1) == b""
    assert not body_outstanding(Body(reader))


def test_no_body_or_an_unknown_one_is_not_outstanding() -> None:
    assert not body_outstanding(None)
    assert not body_outstanding(object())
