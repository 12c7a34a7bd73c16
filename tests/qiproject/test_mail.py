from django.core import mail

from qiproject.mail import FileAndConsoleBackend


def test_local_mail_is_written_to_a_file_and_the_console(tmp_path, capsys):
    backend = FileAndConsoleBackend(file_path=str(tmp_path))
    message = mail.EmailMessage("Hello", "Body text", "from@example.test", ["to@example.test"])
    assert backend.send_messages([message]) == 1
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    assert "Subject: Hello" in written
    assert "Body text" in capsys.readouterr().out
