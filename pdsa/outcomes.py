"""The outcome of a change idea's ramp of PDSA cycles (pure: no Django)."""

DECISION_OUTCOMES = {"adopt": "adopted", "adapt": "adapted", "abandon": "abandoned"}


def ramp_outcome(cycles: list[tuple[str, str]]) -> str:
    """From (stage, decision) pairs, oldest first: a last cycle abandoned without a decision
    means abandoned; otherwise the latest Act decision; with none yet, still testing."""
    if cycles and cycles[-1] == ("abandoned", ""):
        return "abandoned"
    for _stage, decision in reversed(cycles):
        if decision:
            return DECISION_OUTCOMES[decision]
    return "testing"
