from practices import demo
from practices.models import AgreedAction, Visit


def test_demo_visits_are_seeded_once_however_often_the_seed_runs(db):
    programme = demo.seed_people()
    demo.seed_visits(programme)
    demo.seed_visits(programme)
    assert Visit.objects.count() == len(demo.DEMO_VISITS) + len(demo.DEMO_PLANNED_VISITS)
    assert Visit.objects.planned().count() == len(demo.DEMO_PLANNED_VISITS)
    assert AgreedAction.objects.count() == sum(len(v[-1]) for v in demo.DEMO_VISITS)
    assert not Visit.objects.happened().filter(private_notes="").exists()
