"""The whole site, one example per URL pattern, and the personas who visit it.

`build_demo()` loads the demo programme (the `seed_demo` command); `examples()` walks every
URL pattern of the URL conf (Django's admin aside) and fills its arguments from the demo data,
so a new page is visited by the site-wide tests without anyone listing it. `client_for(persona)`
gives a test client signed in as one of the demo personas (or anonymous), which records a
server error as a 500 response instead of raising.
"""

import re
from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiToken
from audits.models import AuditRound, AuditTemplate, RoundStatus
from evidence.models import EvidenceItem
from messaging.models import Message
from pdsa.models import (
    ChangeIdea,
    CycleQuestion,
    DataPoint,
    Driver,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
    PDSACycle,
    SharedIdea,
)
from practices.models import AgreedAction, Practice, Programme, User, Visit
from reports.models import Reflection
from workshops.models import LearningTopic, Material, Round, WorkshopSession

PERSONAS = {
    "lead": "lead@demo.test",
    "facilitator": "facilitator@demo.test",
    "member": "gp1@demo.test",
    "patient_rep": "patientrep1@demo.test",
    "anonymous": None,
}

SKIPPED_PREFIXES = ("admin/",)  # Django's own admin, not our pages

# The model a URL argument names: by the argument's name, or by the route segment before it.
BY_KWARG = {
    "practice_pk": Practice,
    "programme_pk": Programme,
    "plan_pk": ImprovementPlan,
    "measure_pk": Measure,
    "library_pk": LibraryMeasure,
    "template_pk": AuditTemplate,
    "material_pk": Material,
    "topic_pk": LearningTopic,
}
BY_SEGMENT = {
    "practices": Practice,
    "programmes": Programme,
    "visits": Visit,
    "actions": AgreedAction,
    "plans": ImprovementPlan,
    "drivers": Driver,
    "ideas": ChangeIdea,
    "exchange": SharedIdea,
    "measures": Measure,
    "data": DataPoint,
    "data-points": DataPoint,
    "audit-rounds": AuditRound,
    "api-tokens": ApiToken,
    "library": LibraryMeasure,
    "cycles": PDSACycle,
    "questions": CycleQuestion,
    "evidence": EvidenceItem,
    "templates": AuditTemplate,
    "rounds": AuditRound,
    "sessions": WorkshopSession,
    "messages": Message,
    "reflections": Reflection,
}
# Where the first object would offer no form (a finished cycle or round), visit a live one.
LIVE = {
    PDSACycle: lambda objects: objects.open(),
    AuditRound: lambda objects: objects.exclude(status=RoundStatus.COMPLETE),
}
# Arguments no demo object gives: a value the page must cope with (an unknown link is a 404).
PLACEHOLDERS = {"token": "unknown-token", "uidb64": "MQ", "round": Round.values[0]}


@dataclass(frozen=True)
class Example:
    """One URL pattern with the arguments that visit it."""

    name: str
    route: str
    url: str

    @property
    def is_export(self) -> bool:
        return self.url.endswith((".csv", ".zip"))


def build_demo():
    call_command("seed_demo", stdout=StringIO())


def client_for(persona: str) -> Client:
    """A client signed in as the persona (None for anonymous); a crash becomes a 500 response."""
    client = Client(raise_request_exception=False)
    email = PERSONAS[persona]
    if email:
        client.force_login(
            User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
        )
    return client


def patterns(resolver=None, prefix="", namespace=""):
    """(name, route) of every URL pattern: ('pdsa:plan_edit', 'pdsa/plans/<int:pk>/edit/')."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}{entry.namespace}:"
            yield from patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), route


ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def _model_for(route: str, kwarg: str):
    if kwarg in BY_KWARG:
        return BY_KWARG[kwarg]
    start = re.search(rf"<(?:\w+:)?{kwarg}>", route).start()
    segment = route[:start].rstrip("/").rsplit("/", 1)[-1]
    return BY_SEGMENT[segment]


def _first(model):
    """The demo object to visit: the first practice's where the model belongs to a practice."""
    first_practice = Practice.objects.order_by("ods_code").first()
    objects = model.objects.order_by("pk")
    if model in LIVE and LIVE[model](objects).exists():
        objects = LIVE[model](objects)
    for path in ("practice", "plan__practice", "measure__plan__practice", "cycle__plan__practice"):
        try:
            found = objects.filter(**{path: first_practice}).first()
        except Exception:  # noqa: BLE001 - the model has no such relation; try the next
            continue
        if found is not None:
            return found
    return objects.first()


def kwargs_for(route: str) -> dict:
    kwargs = {}
    for _converter, kwarg in ARGUMENT.findall(route):
        if kwarg in PLACEHOLDERS:
            kwargs[kwarg] = PLACEHOLDERS[kwarg]
            continue
        obj = _first(_model_for(route, kwarg))
        kwargs[kwarg] = obj.pk if obj is not None else 999_999
    # Nested objects must belong together: a session's material, a programme's topic.
    if "material_pk" in kwargs and kwargs["material_pk"] != 999_999:
        kwargs["pk"] = Material.objects.get(pk=kwargs["material_pk"]).session_id
    if "topic_pk" in kwargs and kwargs["topic_pk"] != 999_999:
        kwargs["programme_pk"] = LearningTopic.objects.get(pk=kwargs["topic_pk"]).programme_id
    return kwargs


def examples() -> list[Example]:
    """One example URL per pattern, filled from the demo data."""
    found, seen = [], set()
    for name, route in patterns():
        if name is None or route in seen:  # a later pattern on the same route is never reached
            continue
        seen.add(route)
        found.append(Example(name, route, reverse(name, kwargs=kwargs_for(route))))
    return found
