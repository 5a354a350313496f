"""A tiny SMTP server that accepts mail slowly and records what it accepted.

The rehearsal and the redelivery test point the portal's EMAIL_URL at it. Each message is
held ``delay`` seconds after its DATA arrives, which gives time to kill the worker that is
sending it, and is recorded only if the client is still connected when the server would
answer "250": a client killed mid-send has not delivered its message, as with a real
server. What was recorded is appended, one JSON line per message, to ``log_path``.
"""

from __future__ import annotations

import json
import select
import socket
import socketserver
import threading
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path


class _Handler(socketserver.StreamRequestHandler):
    server: SmtpSink

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def _client_gone(self) -> bool:
        readable, _w, _x = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def handle(self) -> None:
        self._reply("220 sink ESMTP")
        recipients: list[str] = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                self._reply("250 sink")
            elif verb == "MAIL":
                recipients = []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 go ahead")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    chunk = self.rfile.readline()
                    if not chunk:
                        return
                    data += chunk
                self.server.receiving.set()
                time.sleep(self.server.delay)
                if self._client_gone():
                    return  # the sender died before we accepted: nothing was delivered
                self.server.record(data[: -len(b"\r\n.\r\n")], recipients)
                self._reply("250 accepted")
            elif verb == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 OK")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, log_path: Path, delay: float = 0.0, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.log_path = Path(log_path)
        self.delay = delay
        self.receiving = threading.Event()
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def record(self, data: bytes, recipients: list[str]) -> None:
        message = message_from_bytes(data)
        subject = str(make_header(decode_header(message.get("Subject", ""))))
        with self._lock, self.log_path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"to": recipients, "subject": subject}, ensure_ascii=False))
            out.write("\n")

    def messages(self) -> list[dict]:
        if not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text("utf-8").splitlines()]

    def start(self) -> SmtpSink:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


if __name__ == "__main__":  # python -m deploy.rehearsal.smtp_sink LOG PORT DELAY
    import sys

    sink = SmtpSink(Path(sys.argv[1]), delay=float(sys.argv[3]), port=int(sys.argv[2]))
    sink.serve_forever()
