"""The audit demo: two templates, a baseline per practice, re-audits and one outlier."""

from audits import demo, selectors
from audits.models import AuditCase, AuditPoint, AuditRound, AuditTemplate
from evidence import demo as evidence_demo
from pdsa import demo as pdsa_demo
from practices import demo as practices_demo
from tests.practices.factories import UserFactory


def test_the_demo_seed_gives_every_practice_a_baseline_and_a_second_run_changes_nothing(db):
    programme = practices_demo.seed_people()
    evidence_demo.seed(programme)
    pdsa_demo.seed(programme)
    demo.seed(programme)
    counts = (AuditTemplate.objects.count(), AuditRound.objects.count(), AuditCase.objects.count())
    demo.seed(programme)
    assert (
        AuditTemplate.objects.count(),
        AuditRound.objects.count(),
        AuditCase.objects.count(),
    ) == counts
    qs155 = AuditTemplate.objects.get(name=demo.QS155)
    assert set(qs155.versions.get().criteria.values_list("key", flat=True)) == set(demo.BASELINE)
    for practice in programme.practices.all():
        rounds = list(
            AuditRound.objects.filter(practice=practice, template_version__template=qs155)
        )
        assert 1 <= len(rounds) <= 2
        assert all(r.is_complete and 20 <= r.sample_size <= 40 for r in rounds)
    assert AuditRound.objects.filter(cycles__isnull=False).exists()
    assert AuditPoint.objects.exists()

    staff = UserFactory(is_staff=True)
    outside = {
        key: [
            p.label
            for p in selectors.funnel(
                programme=programme, template=qs155, key=key, user=staff, which="first"
            ).outside
        ]
        for key in demo.BASELINE
    }
    flagged = {key: labels for key, labels in outside.items() if labels}
    assert list(flagged) == [demo.OUTLIER_KEY] and len(flagged[demo.OUTLIER_KEY]) == 1
