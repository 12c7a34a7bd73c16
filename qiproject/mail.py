"""Local mail: every message is written to var/mail/ and echoed to the console."""

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FileAndConsoleBackend(BaseEmailBackend):
    """Send to both the file backend and the console, so nothing local is lost."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.file = FileBackend(fail_silently=fail_silently, **kwargs)
        self.console = ConsoleBackend(fail_silently=fail_silently, **kwargs)

    def send_messages(self, email_messages):
        sent = self.file.send_messages(email_messages)
        self.console.send_messages(email_messages)
        return sent
