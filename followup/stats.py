"""Aggregating follow-up answers: pure computation, no Django."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from qiproject.disclosure import is_reportable

IN_PLACE = ("yes", "partly", "no")


@dataclass
class Answer:
    profession: str
    changes: list[dict]  # each {"key", "title", "status": yes|partly|no, "why"}
    factor_scores: dict[str, int]
    free_text: str = ""


@dataclass
class Summary:
    invited: int
    responded: int
    change_counts: dict[str, int] = field(default_factory=dict)
    factor_means: dict[str, float | None] = field(default_factory=dict)
    factor_counts: dict[str, int] = field(default_factory=dict)
    by_profession: dict[str, dict[str, float | None]] = field(default_factory=dict)
    profession_counts: dict[str, int] = field(default_factory=dict)
    # Professions with too few answers to be shown apart (their answers count in the totals).
    small_professions: list[str] = field(default_factory=list)
    free_texts: list[str] = field(default_factory=list)

    @property
    def is_reportable(self) -> bool:
        """Whether enough people answered for anything they said to be shown."""
        return is_reportable(self.responded)

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.invited if self.invited else None

    @property
    def changes_answered(self) -> int:
        return sum(self.change_counts.values())

    @property
    def share_in_place(self) -> float | None:
        """Share of answers about adopted changes saying the change is fully in place."""
        return self.change_counts["yes"] / self.changes_answered if self.changes_answered else None

    @property
    def share_partly(self) -> float | None:
        if not self.changes_answered:
            return None
        return self.change_counts["partly"] / self.changes_answered


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def summarise(*, invited: int, answers: Iterable[Answer], factor_keys: list[str]) -> Summary:
    """Response rate, changes still in place, factor means overall and by profession."""
    answers = list(answers)
    summary = Summary(invited=invited, responded=len(answers))
    summary.change_counts = dict.fromkeys(IN_PLACE, 0)
    overall: dict[str, list[int]] = defaultdict(list)
    by_profession: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for answer in answers:
        summary.profession_counts[answer.profession] = (
            summary.profession_counts.get(answer.profession, 0) + 1
        )
        for change in answer.changes:
            if change.get("status") in summary.change_counts:
                summary.change_counts[change["status"]] += 1
        for key in factor_keys:
            score = answer.factor_scores.get(key)
            if isinstance(score, int) and 1 <= score <= 5:
                overall[key].append(score)
                by_profession[answer.profession][key].append(score)
        if answer.free_text.strip():
            summary.free_texts.append(answer.free_text.strip())
    summary.factor_means = {key: _mean(overall[key]) for key in factor_keys}
    summary.factor_counts = {key: len(overall[key]) for key in factor_keys}
    # No profession with fewer than SMALL_GROUP_MIN answers is shown apart, and nothing at
    # all when the whole group is that small (qiproject.disclosure).
    counts = summary.profession_counts
    summary.small_professions = sorted(p for p, n in counts.items() if not is_reportable(n))
    summary.profession_counts = {p: n for p, n in counts.items() if is_reportable(n)}
    summary.by_profession = {
        profession: {key: _mean(scores[key]) for key in factor_keys}
        for profession, scores in sorted(by_profession.items())
        if profession in summary.profession_counts
    }
    # Sorted, so their order does not tell who answered when.
    summary.free_texts.sort()
    if not summary.is_reportable:
        summary.change_counts = dict.fromkeys(IN_PLACE, 0)
        summary.factor_means = dict.fromkeys(factor_keys)
        summary.factor_counts = dict.fromkeys(factor_keys, 0)
        summary.by_profession, summary.profession_counts = {}, {}
        summary.small_professions, summary.free_texts = [], []
    return summary
