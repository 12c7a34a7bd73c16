"""Every edit page of the site, with an object to edit and a persona who may edit it.

The round-trip and stale-edit tests walk this registry; a test checks that every URL pattern
whose name says it edits something is here or excluded with a reason, so a new edit page
cannot be forgotten.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evidence.models import Kind
from pdsa.services import measure_summary_refresh
from reports.models import Reflection
from tests.audits.factories import make_round, make_template
from tests.evidence.factories import EvidenceItemFactory, TopicFactory
from tests.pdsa.factories import (
    ChangeIdeaFactory,
    DataPointFactory,
    DriverFactory,
    ImprovementPlanFactory,
    LibraryMeasureFactory,
    MeasureFactory,
    PDSACycleFactory,
)
from tests.practices.factories import VisitFactory
from tests.workshops.factories import WorkshopSessionFactory


@dataclass
class EditPage:
    """One edit page: how to make its object, who edits it, where the form is and where it posts."""

    name: str
    persona: str
    make: Callable[[Callable[[str], object]], object]
    post_url: Callable[[object], str]
    page_url: Callable[[object], str] | None = None  # where the form is shown, when elsewhere
    # Two different changes for the stale-edit test (field name -> value), or why there is none.
    changes: tuple[dict, dict] | None = None
    no_lock_because: str = ""
    ignored: set[str] = field(default_factory=set)  # fields a save rightly touches
    # A posted name that is not the model field's own (a grid's `p2026-02-numerator`).
    saved_as: dict[str, str] = field(default_factory=dict)

    def url(self, obj) -> str:
        return (self.page_url or self.post_url)(obj)


def _plan(fx):
    plan = ImprovementPlanFactory(
        practice=fx("practice_a"),
        title="Self-management advice",
        aim_by_when=date(2027, 3, 31),
        end_date=date(2027, 6, 30),
    )
    plan.team.add(fx("member_a"))
    return plan


def _idea(fx):
    plan = _plan(fx)
    idea = ChangeIdeaFactory(plan=plan, driver=DriverFactory(plan=plan), description="Why")
    idea.evidence.add(EvidenceItemFactory(title="Cited trial"))
    return idea


def _measure(fx):
    return MeasureFactory(plan=_plan(fx), baseline_end=date(2026, 6, 1), target=80.0)


def _rebased(fx):
    measure = _measure(fx)
    # Twelve periods: the form to recalculate limits is on the SPC tab, shown from twelve.
    for month in range(1, 13):
        DataPointFactory(measure=measure, period=date(2026, month, 1))
    measure.rebased_from, measure.rebase_reason = date(2026, 1, 1), "Leaflet adopted"
    measure.save()
    return measure_summary_refresh(measure=measure)


def _point(fx):
    return DataPointFactory(measure=_measure(fx), period=date(2026, 2, 1), note="Audit")


def _cycle(fx):
    plan = _plan(fx)
    idea = ChangeIdeaFactory(plan=plan, driver=DriverFactory(plan=plan))
    return PDSACycleFactory(
        plan=plan,
        change_idea=idea,
        owner=fx("member_a"),
        title="Leaflet",
        start_date=date(2026, 2, 2),
        end_date=date(2026, 2, 27),
    )


def _evidence(fx):
    item = EvidenceItemFactory(
        kind=Kind.SYSTEMATIC_REVIEW,
        title="Paracetamol for back pain",
        summary="**No better** than placebo.",
        published_on=date(2011, 10, 29),
        next_review_on=date(2027, 10, 29),
    )
    item.topics.add(TopicFactory())
    return item


def _session(fx):
    return WorkshopSessionFactory(
        programme=fx("programme"),
        starts_at=datetime(2026, 3, 4, 13, 30, tzinfo=UTC),
        ends_at=datetime(2026, 3, 4, 16, 30, tzinfo=UTC),
        facilitators=[fx("facilitator")],
        agenda="Welcome\nRed flags",
    )


def _visit(fx):
    visit = VisitFactory(practice=fx("practice_a"), facilitator=fx("facilitator"))
    visit.participants.add(fx("member_a"))
    return visit


def _audit_round(fx):
    return make_round(fx("practice_a"), make_template(), collected_by="Dr Amy A")


def _reflection(fx):
    plan = _plan(fx)
    return Reflection.objects.create(
        author=fx("member_a"), kind="plan", object_id=plan.pk, what_learned="Ask at reception"
    )


EDIT_PAGES = [
    EditPage(
        "reports:reflection_edit",
        "member_a",
        _reflection,
        lambda o: reverse("reports:reflection_edit", args=[o.pk]),
        changes=({"what_next": "First next step"}, {"what_next": "Second next step"}),
    ),
    EditPage(
        "pdsa:plan_edit",
        "member_a",
        _plan,
        lambda o: reverse("pdsa:plan_edit", args=[o.pk]),
        changes=({"title": "Renamed by the first"}, {"title": "Renamed by the second"}),
    ),
    EditPage(
        "pdsa:change_idea_edit",
        "member_a",
        _idea,
        lambda o: reverse("pdsa:change_idea_edit", args=[o.pk]),
        changes=({"title": "First wording"}, {"title": "Second wording"}),
    ),
    EditPage(
        "pdsa:measure_edit",
        "member_a",
        _measure,
        lambda o: reverse("pdsa:measure_edit", args=[o.pk]),
        changes=({"name": "First name"}, {"name": "Second name"}),
    ),
    EditPage(
        "pdsa:measure_rebase",
        "member_a",
        _rebased,
        lambda o: reverse("pdsa:measure_rebase", args=[o.pk]),
        page_url=lambda o: reverse("pdsa:measure_chart", args=[o.pk]) + "?chart=spc",
        changes=({"rebase_reason": "First reason"}, {"rebase_reason": "Second reason"}),
    ),
    EditPage(
        "pdsa:data_point_edit",
        "member_a",
        _point,
        lambda o: reverse("pdsa:data_point_edit", args=[o.pk]),
        changes=({"note": "First note"}, {"note": "Second note"}),
    ),
    EditPage(
        "pdsa:data_grid_edit",
        "member_a",
        _point,
        lambda o: reverse("pdsa:data_grid_edit", args=[o.measure_id]) + "?end=2026-02",
        changes=({"p2026-02-numerator": "3"}, {"p2026-02-numerator": "4"}),
        saved_as={"p2026-02-numerator": "numerator"},
    ),
    EditPage(
        "pdsa:library_edit",
        "lead",
        lambda fx: LibraryMeasureFactory(suggested_target=75.0, source="NICE NG59"),
        lambda o: reverse("pdsa:library_edit", args=[o.pk]),
        changes=({"source": "First source"}, {"source": "Second source"}),
    ),
    EditPage(
        "pdsa:cycle_edit",
        "member_a",
        _cycle,
        lambda o: reverse("pdsa:cycle_edit", args=[o.pk]),
        page_url=lambda o: reverse("pdsa:cycle_detail", args=[o.pk]),
        changes=({"objective": "First objective"}, {"objective": "Second objective"}),
    ),
    EditPage(
        "evidence:edit",
        "lead",
        _evidence,
        lambda o: reverse("evidence:edit", args=[o.pk]),
        changes=({"title": "First title"}, {"title": "Second title"}),
        ignored={"curator_id"},  # the last person to edit it
    ),
    EditPage(
        "workshops:session_edit",
        "lead",
        _session,
        lambda o: reverse("workshops:session_edit", args=[o.pk]),
        changes=({"venue": "Room 1"}, {"venue": "Room 2"}),
    ),
    EditPage(
        "audits:template_edit",
        "lead",
        lambda fx: make_template(),
        lambda o: reverse("audits:template_edit", args=[o.pk]),
        changes=({"name": "First name"}, {"name": "Second name"}),
    ),
    EditPage(
        "audits:round_edit",
        "member_a",
        _audit_round,
        lambda o: reverse("audits:round_edit", args=[o.pk]),
        changes=({"collected_by": "First team"}, {"collected_by": "Second team"}),
    ),
    EditPage(
        "visit_edit",
        "facilitator",
        _visit,
        lambda o: reverse("visit_edit", args=[o.pk]),
        changes=({"notes": "First notes"}, {"notes": "Second notes"}),
    ),
]

# Pages whose name looks like an edit page but that are not one, with the reason.
NOT_EDIT_PAGES = {}

# Never compared: bookkeeping that a save is meant to move on.
BOOKKEEPING = {"version", "updated_at"}


def is_edit_like(name: str) -> bool:
    """Whether a URL name says the page changes an existing object."""
    short = name.rsplit(":", 1)[-1]
    return short == "edit" or short.endswith(("_edit", "_update", "_rebase"))


def url_names(patterns=None, namespace=None):
    """Every named URL pattern of the site, with its namespace."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if pattern.namespace == "admin":
                continue
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def snapshot(obj) -> dict:
    """The object's saved fields and many-to-many links, as the database has them now."""
    obj = type(obj)._default_manager.get(pk=obj.pk)
    values = {}
    for model_field in obj._meta.concrete_fields:
        values[model_field.attname] = getattr(obj, model_field.attname)
    for model_field in obj._meta.many_to_many:
        linked = getattr(obj, model_field.name).values_list("pk", flat=True)
        values[model_field.name] = sorted(linked)
    return values


def compared(page: EditPage, values: dict) -> dict:
    skip = BOOKKEEPING | page.ignored
    return {name: value for name, value in values.items() if name not in skip}


class _FormParser(HTMLParser):
    """A page's post forms: their action, and each field with the value it was rendered with."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "reset", "image") or "name" not in attrs:
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            multiple = "multiple" in attrs
            self._select = {"name": attrs.get("name"), "multiple": multiple, "picked": []}
            self._first = None
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option = value
            if self._first is None:
                self._first = value
            if "selected" in attrs:
                self._select["picked"].append(value)
        elif tag == "textarea":
            self._textarea = {"name": attrs.get("name"), "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            picked = self._select["picked"]
            if not picked and not self._select["multiple"] and self._first is not None:
                picked = [self._first]  # a browser submits the first option
            self._form["fields"] += [(self._select["name"], value) for value in picked]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            # Browsers drop the newline that opens a textarea's content.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._form["fields"].append((self._textarea["name"], text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def rendered_form(html: str, action: str) -> dict[str, list[str]]:
    """The fields of the page's post form that posts to `action` (or to itself)."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["action"] in (action, ""):
            data: dict[str, list[str]] = {}
            for name, value in form["fields"]:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no form posting to {action}")
