from pdsa.outcomes import ramp_outcome


def test_no_cycles_means_still_testing():
    assert ramp_outcome([]) == "testing"


def test_the_latest_act_decision_is_the_outcome():
    assert ramp_outcome([("complete", "adapt"), ("complete", "adopt")]) == "adopted"
    assert ramp_outcome([("complete", "adopt"), ("act", "adapt")]) == "adapted"


def test_a_cycle_under_way_after_a_decision_keeps_that_decision():
    assert ramp_outcome([("complete", "adapt"), ("plan", "")]) == "adapted"


def test_a_last_cycle_abandoned_without_a_decision_means_abandoned():
    assert ramp_outcome([("complete", "adapt"), ("abandoned", "")]) == "abandoned"
    assert ramp_outcome([("complete", "abandon")]) == "abandoned"
