from collections import Counter

from pdsa import demo
from pdsa.models import DataPoint, ImprovementPlan, LibraryMeasure, Measure, PDSACycle
from pdsa.selectors import measure_analysis
from practices import demo as practices_demo


def _counts():
    return [
        model.objects.count()
        for model in (ImprovementPlan, Measure, DataPoint, PDSACycle, LibraryMeasure)
    ]


def test_the_demo_seed_fills_every_practice_and_a_second_run_changes_nothing(db):
    programme = practices_demo.seed_people()
    demo.seed(programme)
    first = _counts()
    demo.seed(programme)
    assert _counts() == first

    for practice in programme.practices.all():
        plan = ImprovementPlan.objects.get(practice=practice)
        assert plan.drivers.filter(level="primary").exists()
        assert plan.change_ideas.exists()
        measures = list(plan.measures.all())
        assert 3 <= len(measures) <= 5
        assert all(18 <= m.data_points.count() <= 30 for m in measures)
        assert plan.cycles.filter(previous__isnull=False).exists()  # a ramp
    stages = Counter(PDSACycle.objects.values_list("stage", flat=True))
    assert set(stages) == {"plan", "do", "study", "act", "complete", "abandoned"}
    assert LibraryMeasure.objects.filter(name="Opioids for chronic low back pain").exists()
    # Some measures show a real improvement signal, others only common-cause variation.
    analyses = [measure_analysis(m) for m in Measure.objects.prefetch_related("data_points")]
    variations = Counter(a.variation for a in analyses)
    assert variations["improvement_high"] + variations["improvement_low"] >= 5
    assert variations["common_cause"] >= 10


def test_the_demo_cites_evidence_and_fills_the_ideas_exchange_once(db):
    from evidence import demo as evidence_demo
    from pdsa.models import ChangeIdea, IdeaComment, SharedIdea

    programme = practices_demo.seed_people()
    evidence_demo.seed(programme)
    demo.seed(programme)

    def counts():
        return [
            SharedIdea.objects.count(),
            IdeaComment.objects.count(),
            ChangeIdea.objects.count(),
            ChangeIdea.evidence.through.objects.count(),
            PDSACycle.evidence.through.objects.count(),
        ]

    first = counts()
    demo.seed(programme)
    assert counts() == first

    assert SharedIdea.objects.count() == 4
    assert set(SharedIdea.objects.values_list("outcome", flat=True)) >= {"adopted", "abandoned"}
    assert IdeaComment.objects.count() >= 2
    copy = ChangeIdea.objects.get(copied_from__isnull=False)
    assert copy.plan.practice.ods_code == "Z99005"
    assert copy.origin.startswith("Copied from")
    assert ChangeIdea.objects.filter(evidence__key="start-back").count() >= 9
    assert PDSACycle.objects.filter(evidence__key="ng59-1-2-1").exists()
