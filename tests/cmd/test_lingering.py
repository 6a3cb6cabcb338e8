"""``LingeringCloser``: half-close at once, drain until the peer closes or a limit, then close."""

from __future__ import annotations

import socket
import time

from apistack.cmd.lingering import LingeringCloser


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if sock.fileno() == -1:
            return True
        time.sleep(0.01)
    return sock.fileno() == -1


def test_the_peer_sees_the_end_at_once_and_the_socket_closes_when_the_peer_does() -> None:
    ours, peer = socket.socketpair()
    peer.settimeout(5)
    ours.sendall(b"answer")
    LingeringCloser(seconds=30).close(ours)
    assert peer.recv(100) == b"answer"
    assert peer.recv(100) == b""  # our half-close, before the peer has closed
    assert ours.fileno() != -1  # still draining: the peer may send more
    peer.sendall(b"late request bytes")
    peer.close()
    assert _closed_within(ours, 5)


def test_a_peer_that_never_closes_is_closed_after_the_linger_time() -> None:
    ours, peer = socket.socketpair()
    try:
        LingeringCloser(seconds=0.3).close(ours)
        assert not _closed_within(ours, 0.1)
        assert _closed_within(ours, 5)
    finally:
        peer.close()


def test_a_peer_that_keeps_sending_is_closed_at_the_drain_limit() -> None:
    ours, peer = socket.socketpair()
    try:
        LingeringCloser(seconds=30, limit=10_000).close(ours)
        peer.settimeout(5)
        sent = 0
        while not _closed_within(ours, 0.05) and sent < 1_000_000:
            try:
                sent += peer.send(b"x" * 4096)
            except OSError:  # our side closed while sending
                break
        assert ours.fileno() == -1
        assert sent < 1_000_000
    finally:
        peer.close()


def test_many_sockets_linger_at_once() -> None:
    closer = LingeringCloser(seconds=30)
    pairs = [socket.socketpair() for _ in range(50)]
    for ours, _peer in pairs:
        closer.close(ours)
    for _ours, peer in pairs:
        peer.close()
    assert all(_closed_within(ours, 5) for ours, _peer in pairs)


def test_a_socket_already_broken_is_closed_at_once() -> None:
    ours, peer = socket.socketpair()
    ours.close()
    LingeringCloser().close(ours)  # shutdown fails: nothing to drain, no error
    peer.close()
    assert ours.fileno() == -1
