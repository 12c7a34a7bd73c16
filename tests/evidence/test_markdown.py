from evidence.markdown import highlight_only, render


def test_markdown_is_rendered():
    assert "<strong>keep active</strong>" in render("**keep active**")


def test_script_and_event_handlers_are_removed():
    html = render(
        '<script>alert(1)</script><img src=x onerror="alert(1)"> [x](javascript:alert(1))'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_links_open_safely():
    assert 'rel="noopener noreferrer"' in render("[NICE](https://www.nice.org.uk/guidance/ng59)")


def test_a_headline_keeps_only_its_marks():
    assert highlight_only("<mark>rest</mark> <b>bed</b>") == "<mark>rest</mark> bed"
