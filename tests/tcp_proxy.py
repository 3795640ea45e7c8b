"""A loopback TCP proxy a test can cut, to take a database away mid-run, or freeze, to make it
hang: connections stay open and nothing more gets through, either way."""

from __future__ import annotations

import socket
import threading
from contextlib import suppress


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already shut or never connected
        sock.shutdown(socket.SHUT_RDWR)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; `cut()` closes every connection and the port,
    `freeze()` keeps them (and the port) open but passes nothing on any more."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.closed = threading.Event()
        self.frozen = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):  # cut() or the other direction closed the pair
            while data := source.recv(65536):
                if self.frozen.is_set():
                    self.closed.wait()  # swallowed: the sender waits for an answer in vain
                    return
                sink.sendall(data)
        _shut(source)
        _shut(sink)

    def freeze(self) -> None:
        self.frozen.set()

    def cut(self) -> None:
        self.closed.set()
        _shut(self.listener)  # wakes the thread blocked in accept()
        self.listener.close()
        for sock in self.sockets:
            _shut(sock)
            sock.close()
