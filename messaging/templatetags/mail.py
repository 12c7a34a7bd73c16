"""Tags every email template uses: `{% load mail %}`.

- `{% hello person %}`: the greeting line, e.g. "Hello Dr Sarah Whitfield," (a person is a
  user, an invitation or anything with a `full_name` or a `user`; no name gives "Hello,").
- `{% absolute_url path %}`: a link on this site, e.g.
  `{% url 'message_list' as path %}{% absolute_url path %}`.
"""

from django import template

from qiproject import links

register = template.Library()

TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sister", "nurse"}


def person_name(person) -> str:
    """The full name to greet a person by ("" when there is none)."""
    if person is None:
        return ""
    name = getattr(person, "full_name", None)
    if name is None and getattr(person, "user", None) is not None:
        name = getattr(person.user, "full_name", None)
    if name is None and isinstance(person, str):
        name = person
    name = " ".join(str(name or "").split())
    # A title alone ("Dr") is no name to greet by.
    return "" if name.rstrip(".").lower() in TITLES else name


def greeting(person) -> str:
    """The greeting line of an email: the person's full name, never just their title."""
    name = person_name(person)
    return f"Hello {name}," if name else "Hello,"


@register.simple_tag
def hello(person) -> str:
    return greeting(person)


@register.simple_tag(name="absolute_url")
def absolute_url_tag(path: str = "/") -> str:
    return links.absolute_url(path)
