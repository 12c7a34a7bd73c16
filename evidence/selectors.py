"""Reads of the evidence library: search, one item, and where an item is used."""

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404
from django.utils.html import escape

from evidence import markdown
from evidence.models import EvidenceItem, Kind, Status, Topic, search_vector

# Field groups a search can match, with the label shown to the reader and a weight for the
# SQLite fallback's ranking (title counts most, as it does in the PostgreSQL vector).
MATCH_FIELDS = [
    ("title", ("title",), 3),
    ("summary", ("summary",), 2),
    ("myth and evidence", ("myth", "myth_evidence"), 2),
    ("source", ("citation",), 1),
]
SNIPPET_FIELDS = ("summary", "myth", "myth_evidence", "citation")
MARKDOWN_MARKS = re.compile(r"[*_`#|]+|^\s*[-+]\s+", re.MULTILINE)


@dataclass
class SearchResult:
    """An item found by a search, with why it matched."""

    item: EvidenceItem
    rank: float = 0.0
    matched: list[str] = field(default_factory=list)
    snippet: str = ""


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    topic: str = ""
    status: str = ""


def is_postgresql() -> bool:
    """Whether full-text search with ranking is available (else the portable fallback)."""
    return connection.vendor == "postgresql"


def evidence_search(*, user, filters: Filters) -> list[SearchResult]:
    """Items the user may see matching the query and filters, best first, with why they matched."""
    items = EvidenceItem.objects.visible_to(user).prefetch_related("topics")
    if filters.kind in Kind.values:
        items = items.filter(kind=filters.kind)
    if filters.topic:
        items = items.filter(topics__slug=filters.topic)
    if filters.status in Status.values:
        items = items.filter(status=filters.status)
    q = filters.q.strip()
    if not q:
        return [SearchResult(item=item) for item in items.order_by("title")]
    if is_postgresql():
        return _search_postgresql(items, q)
    return _search_portable(items, q)


def _search_postgresql(items, q: str) -> list[SearchResult]:
    query = SearchQuery(q, search_type="websearch", config="english")
    hits = {}
    for label, fields, _weight in MATCH_FIELDS:
        name = "hit_" + label.replace(" ", "_")
        items = items.annotate(**{f"v_{name}": SearchVector(*fields, config="english")})
        items = items.annotate(
            **{name: ExpressionWrapper(Q(**{f"v_{name}": query}), output_field=BooleanField())}
        )
        hits[label] = name
    text = Concat(
        *[part for f in SNIPPET_FIELDS for part in (F(f), Value(" … "))],
        output_field=TextField(),
    )
    items = (
        # The filter repeats the indexed expression exactly, so PostgreSQL uses the GIN index.
        items.annotate(document=search_vector())
        .filter(document=query)
        .annotate(
            rank=SearchRank(search_vector(), query),
            headline=SearchHeadline(
                text,
                query,
                config="english",
                start_sel="<mark>",
                stop_sel="</mark>",
                max_words=35,
                min_words=15,
                max_fragments=2,
            ),
        )
        .order_by("-rank", "title")
    )
    results = []
    for item in items:
        matched = [label for label, name in hits.items() if getattr(item, name)]
        headline = _plain(item.headline)
        snippet = markdown.highlight_only(headline) if "<mark>" in headline else ""
        results.append(SearchResult(item=item, rank=item.rank, matched=matched, snippet=snippet))
    return results


def _plain(text: str) -> str:
    """Drop Markdown punctuation so a snippet reads as prose."""
    return MARKDOWN_MARKS.sub("", text)


def _terms(q: str) -> list[str]:
    return [term for term in re.split(r"\W+", q.lower()) if len(term) > 1][:8]


def _search_portable(items, q: str) -> list[SearchResult]:
    """SQLite: every word must appear in some field; title hits rank highest."""
    terms = _terms(q)
    if not terms:
        return []
    score = Value(0)
    for term in terms:
        any_field = Q()
        for _label, fields, weight in MATCH_FIELDS:
            for name in fields:
                lookup = Q(**{f"{name}__icontains": term})
                any_field |= lookup
                score = score + Case(
                    When(lookup, then=Value(weight)), default=Value(0), output_field=IntegerField()
                )
        items = items.filter(any_field)
    results = []
    for item in items.annotate(rank=score).order_by("-rank", "title"):
        matched = [
            label
            for label, fields, _w in MATCH_FIELDS
            if any(term in getattr(item, name).lower() for name in fields for term in terms)
        ]
        results.append(
            SearchResult(item=item, rank=item.rank, matched=matched, snippet=_snippet(item, terms))
        )
    return results


def _snippet(item: EvidenceItem, terms: list[str], width: int = 90) -> str:
    """A short window of text around the first matching word, with the words marked."""
    for name in SNIPPET_FIELDS:
        text = _plain(getattr(item, name))
        lowered = text.lower()
        positions = [lowered.find(term) for term in terms if term in lowered]
        if not positions:
            continue
        start = max(min(positions) - width // 2, 0)
        if start:
            # Begin at a word, not half-way through one.
            space = text.find(" ", start, min(positions))
            start = space + 1 if space != -1 else start
        window = text[start : start + width * 2]
        if start + width * 2 < len(text) and " " in window:
            window = window[: window.rfind(" ")]
        pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
        marked, last = [], 0
        for match in pattern.finditer(window):
            marked.append(escape(window[last : match.start()]))
            marked.append(f"<mark>{escape(match.group(0))}</mark>")
            last = match.end()
        marked.append(escape(window[last:]))
        prefix = "… " if start else ""
        suffix = " …" if start + width * 2 < len(text) else ""
        return prefix + "".join(marked) + suffix
    return ""


def evidence_detail(*, user, pk: int) -> EvidenceItem:
    """One item the user may see (a draft or retired item is a 404 to readers)."""
    queryset = (
        EvidenceItem.objects.visible_to(user).select_related("curator").prefetch_related("topics")
    )
    return get_object_or_404(queryset, pk=pk)


def evidence_current(*, item: EvidenceItem) -> EvidenceItem:
    """The item as saved now (after someone else's edit), for showing beside the form."""
    return EvidenceItem.objects.get(pk=item.pk)


def evidence_history(*, item: EvidenceItem) -> list[dict]:
    """The item's saved versions, newest first, each with the fields it changed."""
    records = list(
        item.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    changes = []
    # Newest first, so each record's previous version is the next one in the list, where
    # record.prev_record would ask the database once per record.
    for record, previous in zip(records, records[1:] + [None], strict=True):
        changed = []
        if previous is not None:
            changed = [change.field for change in record.diff_against(previous).changes]
        changes.append({"record": record, "changed": changed})
    return changes


@dataclass
class Usage:
    """Where an item is cited. Counts run across the programmes the reader can see (they name
    no practice); the lists hold only the work the reader may open."""

    practice_count: int = 0
    cycle_count: int = 0
    change_idea_count: int = 0
    workshop_sessions: list = field(default_factory=list)
    cycles: list = field(default_factory=list)
    change_ideas: list = field(default_factory=list)

    @property
    def is_used(self) -> bool:
        return bool(self.workshop_sessions or self.cycle_count or self.change_idea_count)


LISTED = 20


def evidence_usage(*, item: EvidenceItem, user) -> Usage:
    """Where an item is used: practices, PDSA cycles, change ideas, workshops (six queries)."""
    programmes = apps.get_model("practices", "Programme").objects.visible_to(user)
    cycles = apps.get_model("pdsa", "PDSACycle").objects
    ideas = apps.get_model("pdsa", "ChangeIdea").objects
    in_programmes = {"plan__practice__programme__in": programmes.values("pk")}
    cited_cycles = cycles.filter(evidence=item, **in_programmes)
    cited_ideas = ideas.filter(evidence=item, **in_programmes)
    practices = (
        apps.get_model("practices", "Practice")
        .objects.filter(
            Q(pk__in=cited_cycles.values("plan__practice_id"))
            | Q(pk__in=cited_ideas.values("plan__practice_id"))
        )
        .count()
    )
    sessions = apps.get_model("workshops", "WorkshopSession").objects.visible_to(user)
    return Usage(
        practice_count=practices,
        cycle_count=cited_cycles.count(),
        change_idea_count=cited_ideas.count(),
        workshop_sessions=list(
            sessions.filter(evidence=item).select_related("programme").order_by("starts_at")
        ),
        cycles=list(
            cited_cycles.visible_to(user)
            .select_related("plan__practice")
            .order_by("plan__practice__name", "created_at")[:LISTED]
        ),
        change_ideas=list(
            cited_ideas.visible_to(user)
            .select_related("plan__practice")
            .order_by("plan__practice__name", "title")[:LISTED]
        ),
    )


def topic_list() -> list[Topic]:
    """Every topic, for filters and forms."""
    return list(Topic.objects.order_by("name"))


def items_due_for_review(*, today) -> list[EvidenceItem]:
    """Draft and published items whose next review date has come, soonest first (one query).

    "Due" as the library marks it (`EvidenceItem.is_review_due`): on or after the date.
    """
    return list(
        EvidenceItem.objects.exclude(status=Status.RETIRED)
        .filter(next_review_on__lte=today)
        .only("pk", "title", "next_review_on", "status")
        .order_by("next_review_on", "title", "pk")
    )
