"""A real SMTP server in the test process (aiosmtpd), recording what it accepts."""

import socket
import threading
from email import message_from_bytes
from email.message import Message as EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RecordingHandler:
    """Accepts every message (or refuses the next `fail_next` with a temporary error)."""

    def __init__(self):
        self.received: list[EmailMessage] = []
        self.fail_next = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                return "451 Temporary failure, try again later"
            self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.received)


class SMTPServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.messages()
