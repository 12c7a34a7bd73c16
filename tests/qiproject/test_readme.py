"""The README promises what the product does, and no more."""

from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_the_readme_says_delivery_is_at_least_once_and_why_a_message_may_repeat():
    assert "at least once" in README
    assert "SIGKILL" in README
    assert "same\nMessage-ID" in README or "same Message-ID" in README


def test_the_readme_promises_no_email_is_sent_exactly_once():
    flat = " ".join(README.split()).lower()

    for promise in ("sent once", "sends once", "exactly once", "delivered once"):
        assert promise not in flat
