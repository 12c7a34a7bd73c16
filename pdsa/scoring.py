"""The suggested IHI progress score (0.5-5.0) derived from a plan's state, with its reasons.

Pure: no Django. Hand-set scores go stale; this suggestion is recomputed from the work itself
and shown beside the team's own score with the reasons, so the team can see why they differ.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlanFacts:
    """What the suggestion looks at, gathered by the caller."""

    has_aim: bool = False
    team_size: int = 0
    has_driver_diagram: bool = False
    measure_count: int = 0
    data_point_count: int = 0
    cycles_started: int = 0
    cycles_completed: int = 0
    changes_adopted: int = 0
    process_improvement: bool = False
    outcome_improvement: bool = False
    outcome_target_met: bool = False
    outcome_sustained: bool = False
    outcome_consistently_passes: bool = False


@dataclass(frozen=True)
class Suggestion:
    score: float
    reasons: list[str] = field(default_factory=list)
    next_step: str = ""


def suggest_score(facts: PlanFacts) -> Suggestion:
    """The highest score whose conditions the plan meets, and why (each step it passed)."""
    reasons = ["0.5: the practice has started an improvement plan."]
    score = 0.5
    steps = [
        (
            1.0,
            facts.has_aim and facts.team_size > 0,
            "1.0: an aim is written and a team is named.",
            "name the team and write the aim to reach 1.0.",
        ),
        (
            1.5,
            facts.has_driver_diagram or facts.measure_count > 0,
            "1.5: planning has begun (a driver diagram or measures).",
            "draw the driver diagram or choose measures to reach 1.5.",
        ),
        (
            2.0,
            facts.cycles_started > 0 or facts.data_point_count > 0,
            "2.0: there is activity (a PDSA cycle started or data collected).",
            "start a PDSA cycle or enter baseline data to reach 2.0.",
        ),
        (
            2.5,
            facts.cycles_completed > 0,
            f"2.5: changes have been tested ({facts.cycles_completed} cycle(s) completed).",
            "take a cycle through to Act to reach 2.5.",
        ),
        (
            3.0,
            facts.process_improvement or facts.outcome_improvement,
            "3.0: a measure shows a signal of improvement (special cause in the better direction).",
            "3.0 needs a signal of improvement on a measure.",
        ),
        (
            3.5,
            facts.outcome_improvement,
            "3.5: the outcome measure shows a signal of improvement.",
            "3.5 needs a signal of improvement on an outcome measure.",
        ),
        (
            4.0,
            facts.outcome_improvement and facts.outcome_target_met and facts.changes_adopted > 0,
            "4.0: a change was adopted and the outcome measure has reached its target.",
            "4.0 needs an adopted change and the outcome measure at its target.",
        ),
        (
            4.5,
            facts.outcome_sustained,
            "4.5: the improvement still shows at the latest period, six or more periods "
            "after it first appeared (sustained).",
            "4.5 needs the improvement to hold for six periods or more.",
        ),
        (
            5.0,
            facts.outcome_sustained and facts.outcome_consistently_passes,
            "5.0: sustained improvement and the outcome now consistently meets its target.",
            "5.0 needs the outcome's process limits to sit wholly on the good side of the target.",
        ),
    ]
    for value, met, reason, missing in steps:
        if not met:
            return Suggestion(score=score, reasons=reasons, next_step=missing)
        score = value
        reasons.append(reason)
    return Suggestion(score=score, reasons=reasons, next_step="")
