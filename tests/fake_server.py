"""What the fake Bot API servers share: an HTTP server on 127.0.0.1 in its own thread,
started when the `with` block opens and stopped when it closes."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class LocalServer:
    def _serve(self, handler: type[BaseHTTPRequestHandler],
               server_cls: type[ThreadingHTTPServer] = ThreadingHTTPServer) -> None:
        self.server = server_cls(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
