from django import forms
from django.template import Context, Template
from django.utils.safestring import mark_safe


class Example(forms.Form):
    typed = forms.CharField(help_text='<meta http-equiv="refresh" content="0">')
    written = forms.CharField(help_text=mark_safe("See <em>the guide</em>."))


def test_every_form_escapes_help_text_that_was_not_marked_safe():
    html = str(Example())
    assert "<meta" not in html and "&lt;meta" in html
    assert "<em>the guide</em>" in html


def test_crispy_forms_escape_help_text_too():
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
        Context({"form": Example()})
    )
    assert "<meta" not in html and "&lt;meta" in html
