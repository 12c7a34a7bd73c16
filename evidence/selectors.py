"""Reads of the evidence library: search, one item, and where an item is used."""

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from evidence import fts, search_query
from evidence.models import EvidenceItem, Kind, Status, Topic, search_vector
from evidence.search_query import Term

PAGE_SIZE = 20
# The fields a search reads, grouped under the label shown to the reader ("Matched in ...").
MATCH_LABELS = {
    "title": "title",
    "summary": "summary",
    "myth": "myth and evidence",
    "myth_evidence": "myth and evidence",
    "citation": "source",
}
# Where the snippet under a result comes from: the first of these with a match.
SNIPPET_FIELDS = ("summary", "myth", "myth_evidence")
MARKDOWN_MARKS = re.compile(r"[*_`#|]+|^\s*[-+]\s+", re.MULTILINE)

Marked = list[tuple[str, bool]]  # text in pieces, each a match or not; templates escape them


@dataclass
class SearchResult:
    """An item found by a search, with why it matched and its matches marked."""

    item: EvidenceItem
    rank: float = 0.0
    matched: list[str] = field(default_factory=list)
    title: Marked = field(default_factory=list)
    snippet: Marked = field(default_factory=list)
    citation: Marked = field(default_factory=list)


@dataclass
class SearchPage:
    """One page of a search: its results, the page's place among the others, what was searched."""

    page: Page
    results: list[SearchResult]
    terms: tuple[Term, ...] = ()
    page_range: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def synonyms(self) -> list[str]:
        """Everything searched besides the words typed, for the line under the search box."""
        return [synonym for term in self.terms for synonym in term.synonyms]


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    topic: str = ""
    status: str = ""


def evidence_matching(items: QuerySet, *, q: str) -> QuerySet:
    """The items of `items` that match the query, best first, each annotated with `rank`.

    The one search rule: every page, picker and admin search that finds evidence by text calls
    this. It stems ("myths" finds "myth") and searches each term's synonyms, on PostgreSQL
    (ranked full-text search on the GIN index) and on SQLite (the FTS5 index, `evidence.fts`).
    A query with nothing searchable in it (empty, punctuation, stop words only) matches nothing.
    """
    return _matching(items, search_query.parse(q))


def _matching(items: QuerySet, terms: tuple[Term, ...]) -> QuerySet:
    if not terms:
        return items.none()
    vendor = connections[items.db].vendor
    if vendor == "postgresql":
        query = _tsquery(terms)
        rank = SearchRank(search_vector(), query)
        if search_query.has_synonyms(terms):
            # What the reader typed counts twice, so "imaging" lists items saying "imaging"
            # before those that only say "MRI".
            rank = rank + SearchRank(search_vector(), _tsquery(terms, typed_only=True))
        # The filter repeats the indexed expression exactly, so PostgreSQL uses the GIN index.
        items = items.annotate(document=search_vector()).filter(document=query)
    elif vendor == "sqlite":
        match = search_query.fts5_match(terms)
        rank = fts.Rank(match)
        if search_query.has_synonyms(terms):
            rank = rank + fts.Rank(search_query.fts5_match(terms, typed_only=True))
        items = items.filter(pk__in=fts.Matches(match))
    else:
        raise NotImplementedError(f"Evidence search does not support {vendor}.")
    return items.annotate(rank=rank).order_by("-rank", "title", "pk")


def _tsquery(terms: tuple[Term, ...], *, typed_only: bool = False) -> SearchQuery:
    """The terms as a PostgreSQL query: phrases OR'd within a term, terms AND'ed.

    Every phrase is a parameter to phraseto_tsquery (plainto_tsquery for one word), which
    accept any text, so nothing the reader types is read as tsquery syntax.
    """
    combined = None
    for term in terms:
        alternatives = None
        for words in (term.typed,) if typed_only else term.phrases:
            kind = "phrase" if len(words) > 1 else "plain"
            phrase = SearchQuery(" ".join(words), search_type=kind, config="english")
            alternatives = phrase if alternatives is None else alternatives | phrase
        combined = alternatives if combined is None else combined & alternatives
    return combined


def evidence_search(*, user, filters: Filters, page=None) -> SearchPage:
    """One page of the items the user may see matching the query and filters, best first, each
    with why it matched and its matches marked (four queries, whatever the library's size)."""
    items = EvidenceItem.objects.visible_to(user)
    if filters.kind in Kind.values:
        items = items.filter(kind=filters.kind)
    if filters.topic:
        items = items.filter(topics__slug=filters.topic)
    if filters.status in Status.values:
        items = items.filter(status=filters.status)
    ranked = bool(filters.q.strip())
    terms = search_query.parse(filters.q) if ranked else ()
    items = _matching(items, terms) if ranked else items.order_by("title", "pk")
    paginator = Paginator(items.prefetch_related("topics"), PAGE_SIZE)
    current = paginator.get_page(page)
    return SearchPage(
        page=current,
        results=search_results(list(current.object_list), terms=terms),
        terms=terms,
        page_range=list(paginator.get_elided_page_range(current.number, on_each_side=2, on_ends=1)),
    )


def search_results(items: list[EvidenceItem], *, terms: tuple[Term, ...]) -> list[SearchResult]:
    """Found items with why each matched and its matches marked (one query, none without terms)."""
    marks = _highlights(items, terms) if terms and items else {}
    return [_result(item, marks.get(item.pk)) for item in items]


def _highlights(items: list[EvidenceItem], terms: tuple[Term, ...]) -> dict[int, dict]:
    """Each item's searched fields with its matches between START and STOP."""
    using = items[0]._state.db
    pks = [item.pk for item in items]
    start, stop = search_query.START, search_query.STOP
    if connections[using].vendor == "sqlite":
        return fts.highlights(
            connections[using], search_query.fts5_match(terms), pks, start=start, stop=stop
        )
    query = _tsquery(terms)
    whole = {"start_sel": start, "stop_sel": stop, "highlight_all": True}
    snippet = {
        "start_sel": start,
        "stop_sel": stop,
        "max_words": 35,
        "min_words": 15,
        "max_fragments": 2,
        "fragment_delimiter": " … ",
    }
    headlines = {
        name: SearchHeadline(
            name, query, config="english", **(whole if name in ("title", "citation") else snippet)
        )
        for name in MATCH_LABELS
    }
    rows = (
        EvidenceItem.objects.using(using)
        .filter(pk__in=pks)
        .annotate(**{f"h_{name}": headline for name, headline in headlines.items()})
        .values_list("pk", *[f"h_{name}" for name in headlines])
    )
    return {row[0]: dict(zip(headlines, row[1:], strict=True)) for row in rows}


def _result(item: EvidenceItem, marks: dict | None) -> SearchResult:
    rank = getattr(item, "rank", 0.0) or 0.0
    if not marks:
        return SearchResult(
            item=item, rank=rank, title=[(item.title, False)], citation=[(item.citation, False)]
        )
    matched = []
    for name, label in MATCH_LABELS.items():
        if search_query.has_mark(marks.get(name)) and label not in matched:
            matched.append(label)
    snippet = next(
        (marks[name] for name in SNIPPET_FIELDS if search_query.has_mark(marks.get(name))), ""
    )
    return SearchResult(
        item=item,
        rank=rank,
        matched=matched,
        title=search_query.split_marks(marks.get("title") or item.title),
        snippet=search_query.split_marks(_plain(snippet)),
        citation=search_query.split_marks(marks.get("citation") or item.citation),
    )


def _plain(text: str) -> str:
    """Drop Markdown punctuation and line breaks so a snippet reads as prose."""
    return " ".join(MARKDOWN_MARKS.sub("", text).split())


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
