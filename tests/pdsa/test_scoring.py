from pdsa.scoring import PlanFacts, suggest_score


def test_a_bare_plan_suggests_intent_to_participate():
    suggestion = suggest_score(PlanFacts())
    assert suggestion.score == 0.5
    assert "team" in suggestion.next_step


def test_team_and_aim_suggest_one():
    assert suggest_score(PlanFacts(has_aim=True, team_size=3)).score == 1.0


def test_a_completed_cycle_without_improvement_suggests_two_and_a_half():
    facts = PlanFacts(
        has_aim=True, team_size=3, measure_count=2, cycles_started=2, cycles_completed=1
    )
    suggestion = suggest_score(facts)
    assert suggestion.score == 2.5
    assert suggestion.reasons[-1].startswith("2.5: changes have been tested (1 cycle")
    assert "signal of improvement" in suggestion.next_step


def test_a_process_signal_is_modest_and_an_outcome_signal_is_improvement():
    base = {
        "has_aim": True,
        "team_size": 3,
        "measure_count": 2,
        "cycles_started": 1,
        "cycles_completed": 1,
    }
    assert suggest_score(PlanFacts(**base, process_improvement=True)).score == 3.0
    assert suggest_score(PlanFacts(**base, outcome_improvement=True)).score == 3.5


def test_sustained_improvement_at_target_scores_five():
    facts = PlanFacts(
        has_aim=True,
        team_size=3,
        has_driver_diagram=True,
        cycles_started=3,
        cycles_completed=3,
        changes_adopted=1,
        outcome_improvement=True,
        outcome_target_met=True,
        outcome_sustained=True,
        outcome_consistently_passes=True,
    )
    suggestion = suggest_score(facts)
    assert suggestion.score == 5.0
    assert len(suggestion.reasons) == 10
    assert suggestion.next_step == ""


def test_a_step_not_met_stops_the_score_even_if_later_facts_hold():
    facts = PlanFacts(has_aim=True, team_size=0, outcome_improvement=True)
    assert suggest_score(facts).score == 0.5
