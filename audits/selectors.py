"""Reads for clinical audit: lists, a round's results, re-audit comparison, the funnel plot."""

import string
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from audits import stats
from audits.models import (
    Answer,
    AuditRound,
    AuditTemplate,
    CaseAnswer,
    Criterion,
    MeasureLink,
    RoundStatus,
    TemplateVersion,
)
from pdsa.models import PDSACycle
from practices.models import Practice, Programme

VERDICT_WORDS = {
    stats.MEETS: "meets the standard",
    stats.BELOW: "below the standard",
    stats.CANNOT_TELL: "cannot tell with this sample",
    stats.NO_CASES: "no eligible cases",
}
POSITION_WORDS = {
    stats.HIGH_998: "above the 99.8% limit",
    stats.HIGH_95: "above the 95% limit",
    stats.WITHIN: "within the limits",
    stats.LOW_95: "below the 95% limit",
    stats.LOW_998: "below the 99.8% limit",
}


def rounds_for(user):
    """Rounds the user may see, with what the list shows, in a fixed number of queries."""
    return (
        AuditRound.objects.visible_to(user)
        .select_related("practice", "template_version__template")
        .annotate(case_count=Count("cases"))
        .order_by("-period_end", "-pk")
    )


def practices_to_audit(user):
    """Practices in which the user may start an audit round."""
    return Practice.objects.editable_by(user).order_by("name")


def programmes_for(user):
    """Programmes whose funnel plots the user may open."""
    return Programme.objects.visible_to(user).order_by("name")


def cycles_to_link(audit_round: AuditRound):
    """The PDSA cycles of the round's practice, which the round may be said to study."""
    return PDSACycle.objects.filter(plan__practice=audit_round.practice).select_related("plan")


def round_links(audit_round: AuditRound):
    """What a round's page shows beside its results: the cycles it studies and the measures
    its template feeds in its practice."""
    cycles = audit_round.cycles.select_related("plan")
    links = MeasureLink.objects.filter(
        template=audit_round.template_version.template,
        measure__plan__practice=audit_round.practice,
    ).select_related("measure__plan")
    return list(cycles), list(links)


def round_cases(audit_round: AuditRound, numbers: list[int]):
    """The cases of the round with these numbers, with their answers."""
    return audit_round.cases.filter(number__in=numbers).prefetch_related("answers")


def round_criteria(audit_round: AuditRound):
    """The criteria of the template version the round is collected with."""
    return list(audit_round.template_version.criteria.all())


def measure_link_of(measure):
    """The audit criterion feeding the measure, or None."""
    return MeasureLink.objects.filter(measure=measure).select_related("template").first()


def templates_for_list():
    """Every template with its latest version number and how many rounds used it."""
    return AuditTemplate.objects.annotate(round_count=Count("versions__rounds"))


def template_criteria(template: AuditTemplate, number: int | None = None):
    """A version of a template (the latest by default) with its criteria."""
    version = template.versions.prefetch_related("criteria").get(number=number or template.version)
    return version


@dataclass
class CriterionResult:
    criterion: Criterion
    met: int
    eligible: int
    not_applicable: int
    low: float
    high: float
    verdict: str
    needed: int | None

    @property
    def proportion(self) -> float | None:
        return self.met / self.eligible if self.eligible else None

    @property
    def percent(self) -> float | None:
        return None if self.eligible == 0 else 100 * self.met / self.eligible

    @property
    def standard(self) -> float:
        return self.criterion.standard / 100

    @property
    def verdict_words(self) -> str:
        return VERDICT_WORDS[self.verdict]


def _results_from_counts(criteria, counts) -> list[CriterionResult]:
    results = []
    for criterion in criteria:
        met, not_met, na = counts.get(criterion.pk, (0, 0, 0))
        eligible = met + not_met
        low, high = stats.wilson_interval(met, eligible)
        verdict = stats.verdict(met, eligible, criterion.standard / 100)
        needed = None
        if verdict == stats.CANNOT_TELL:
            needed = stats.sample_size_needed(met / eligible, criterion.standard / 100)
        results.append(CriterionResult(criterion, met, eligible, na, low, high, verdict, needed))
    return results


def _counts(round_ids) -> dict[int, dict[int, tuple[int, int, int]]]:
    """Per round, per criterion id: (met, not met, not applicable)."""
    rows = (
        CaseAnswer.objects.filter(case__round_id__in=round_ids)
        .values("case__round_id", "criterion_id")
        .annotate(
            met=Count("pk", filter=Q(answer=Answer.MET)),
            not_met=Count("pk", filter=Q(answer=Answer.NOT_MET)),
            na=Count("pk", filter=Q(answer=Answer.NOT_APPLICABLE)),
        )
    )
    counts: dict[int, dict] = {}
    for row in rows:
        counts.setdefault(row["case__round_id"], {})[row["criterion_id"]] = (
            row["met"],
            row["not_met"],
            row["na"],
        )
    return counts


def round_results(audit_round: AuditRound) -> list[CriterionResult]:
    """Each criterion's eligible cases, cases met, interval and verdict (two queries)."""
    return rounds_results([audit_round])[audit_round.pk]


def rounds_results(rounds) -> dict[int, list[CriterionResult]]:
    """round_results of each round, by round id: one query for the counts, and one per round
    for its criteria unless they are prefetched (`template_version__criteria`)."""
    counts = _counts([r.pk for r in rounds])
    return {
        r.pk: _results_from_counts(list(r.template_version.criteria.all()), counts.get(r.pk, {}))
        for r in rounds
    }


@dataclass
class RoundColumn:
    audit_round: AuditRound
    results: dict[str, CriterionResult]


@dataclass
class ComparisonRow:
    key: str
    short_name: str
    standard: int
    cells: list[CriterionResult | None]

    @property
    def change(self) -> float | None:
        """Points of percentage from the first round to the last that has the criterion."""
        present = [cell for cell in self.cells if cell is not None and cell.eligible]
        if len(present) < 2:
            return None
        return present[-1].percent - present[0].percent


@dataclass
class Comparison:
    rounds: list[AuditRound]
    rows: list[ComparisonRow] = field(default_factory=list)


def rounds_compared(audit_round: AuditRound) -> Comparison:
    """Every round of the same template in the practice, oldest first, criterion by criterion."""
    rounds = list(
        AuditRound.objects.filter(
            practice_id=audit_round.practice_id,
            template_version__template_id=audit_round.template_version.template_id,
        )
        .select_related("template_version")
        .prefetch_related(Prefetch("template_version__criteria"))
        .order_by("period_end", "pk")
    )
    counts = _counts([r.pk for r in rounds])
    columns = []
    for r in rounds:
        results = _results_from_counts(r.template_version.criteria.all(), counts.get(r.pk, {}))
        columns.append({result.criterion.key: result for result in results})
    current = audit_round.template_version.criteria.all()
    rows = [
        ComparisonRow(
            key=c.key,
            short_name=c.short_name,
            standard=c.standard,
            cells=[column.get(c.key) for column in columns],
        )
        for c in current
    ]
    return Comparison(rounds=rounds, rows=rows)


# Funnel plot -------------------------------------------------------------------------------


@dataclass
class FunnelPoint:
    label: str
    named: bool
    is_own: bool
    met: int
    eligible: int
    position: str
    audit_round_id: int | None

    @property
    def proportion(self) -> float:
        return self.met / self.eligible

    @property
    def position_words(self) -> str:
        return POSITION_WORDS[self.position]

    @property
    def outside(self) -> bool:
        return self.position != stats.WITHIN


@dataclass
class Funnel:
    criterion_name: str
    standard: int
    centre: float | None
    points: list[FunnelPoint]

    @property
    def outside(self) -> list[FunnelPoint]:
        return [point for point in self.points if point.outside]


def funnel_criteria(template: AuditTemplate) -> list[Criterion]:
    """The latest version's criteria: the funnel is drawn for one of them."""
    return list(template_criteria(template).criteria.all())


FIRST, LATEST = "first", "latest"


def funnel(
    *, programme, template: AuditTemplate, key: str, user, which: str = LATEST, as_of=None
) -> Funnel:
    """The latest (or first) complete round of each practice in the programme that audited `key`.

    Practices the user may see are named; any other practice is a letter, in an order that
    does not rank them (by practice id), so the plot is never a league table. With `as_of`,
    only rounds whose period ended by that day count.
    """
    latest: dict[int, AuditRound] = {}
    rounds = (
        AuditRound.objects.filter(
            practice__programme=programme,
            template_version__template=template,
            status=RoundStatus.COMPLETE,
            template_version__criteria__key=key,
            **({"period_end__lte": as_of} if as_of is not None else {}),
        )
        .select_related("practice")
        .order_by(
            *(
                ("practice_id", "period_end", "pk")
                if which == FIRST
                else ("practice_id", "-period_end", "-pk")
            )
        )
    )
    for r in rounds:
        latest.setdefault(r.practice_id, r)
    counts = (
        CaseAnswer.objects.filter(
            case__round__in=[r.pk for r in latest.values()], criterion__key=key
        )
        .values("case__round_id")
        .annotate(
            met=Count("pk", filter=Q(answer=Answer.MET)),
            eligible=Count("pk", filter=~Q(answer=Answer.NOT_APPLICABLE)),
        )
    )
    by_round = {row["case__round_id"]: (row["met"], row["eligible"]) for row in counts}
    visible = set(Practice.objects.visible_to(user).values_list("pk", flat=True))
    own = set(user.memberships.values_list("practice_id", flat=True))
    entries = [
        (r, *by_round.get(r.pk, (0, 0))) for r in latest.values() if by_round.get(r.pk, (0, 0))[1]
    ]
    total_met = sum(met for _, met, _ in entries)
    total = sum(eligible for _, _, eligible in entries)
    centre = total_met / total if total else None
    points, letters = [], iter(_letters())
    for r, met, eligible in sorted(entries, key=lambda entry: entry[0].practice_id):
        named = r.practice_id in visible
        points.append(
            FunnelPoint(
                label=r.practice.name if named else next(letters),
                named=named,
                is_own=r.practice_id in own,
                met=met,
                eligible=eligible,
                position=stats.funnel_position(met, eligible, centre),
                audit_round_id=r.pk if named else None,
            )
        )
    criterion = (
        Criterion.objects.filter(version__template=template, key=key).order_by("-version__number")
    ).first()
    return Funnel(
        criterion_name=criterion.short_name if criterion else key,
        standard=criterion.standard if criterion else 0,
        centre=centre,
        points=points,
    )


def _letters():
    yield from string.ascii_uppercase
    for first in string.ascii_uppercase:
        for second in string.ascii_uppercase:
            yield first + second


def versions_of(template: AuditTemplate):
    """A template's versions, newest first, with how many rounds used each."""
    return TemplateVersion.objects.filter(template=template).annotate(round_count=Count("rounds"))
