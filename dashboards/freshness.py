"""What a dashboard row shows, and the receivers that give a practice a new token on change.

A cached row (dashboards.row_cache) is keyed on its practice's token and its programme's
(practices.freshness). Every model whose rows a dashboard row reads is listed below with the
path from it to its practice (or programme); its saves and deletes, and changes to the plan
team, replace the token in the same transaction as the write. A model that moves to another
practice marks both. Models that a row does not read are listed in UNTRACKED with the reason,
and a test fails when a model is in neither list.

Signals, although house style keeps cross-model work out of them: this is cache
invalidation, not domain work (one UPDATE of a token, no rule of the domain), and it must
follow every save, including the admin's change forms and services written later. A call in
each service would leave any new write path one forgotten line away from a dashboard that
shows old data; the receivers cannot be forgotten, and the writes that bypass them are
found by tests/write_guard.py, which checks every write the test suite makes.
"""

import uuid

from django.apps import apps
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from practices.freshness import practices_changed, programmes_changed, totals_changed

# model label -> path from the model to its practice's id
PRACTICE_PATHS = {
    "practices.FacilitatorAssignment": "practice_id",
    "practices.Visit": "practice_id",
    "practices.AgreedAction": "practice_id",
    "pdsa.ImprovementPlan": "practice_id",
    "pdsa.Driver": "plan__practice_id",
    "pdsa.PDSACycle": "plan__practice_id",
    "pdsa.Measure": "plan__practice_id",
    "workshops.Attendance": "practice_id",
    # Not on a row, but in the programme's kept totals (dashboards.totals), which a
    # practice's token keeps in step.
    "workshops.LearningNeed": "practice_id",
    "followup.Recipient": "practice_id",
}
# model label -> path from the model to its programme's id
PROGRAMME_PATHS = {
    "workshops.WorkshopSession": "programme_id",
    # Not on a row, but in the programme dashboard's cached summary (its learning needs).
    "workshops.LearningTopic": "programme_id",
}
# Practice and Programme take a new token on every save of their own (see _new_token). A
# programme's token keys only its workshops' part of the rows (dashboards.row_cache); its stale
# threshold, the one other programme field a row shows, is in the key of every practice part.
SELF_TOKENED = ("practices.Practice", "practices.Programme")

UNTRACKED = {
    "practices.User": "a row shows its facilitator's name, read with the list of practices "
    "(selectors.listed), not kept in the cached row",
    "practices.Membership": "the row shows no team list (plan teams are counted per plan)",
    "practices.Invitation": "invitations to join a practice are not shown",
    "pdsa.ChangeIdea": "change ideas are not shown on a row",
    "pdsa.DataPoint": "a row shows the measure's kept summary; measure_summary_refresh "
    "replaces the token whenever it rewrites that summary",
    "pdsa.LibraryMeasure": "the library is not practice data",
    "pdsa.CycleQuestion": "questions are shown on the cycle page only",
    "pdsa.CycleTask": "tasks are shown on the cycle page only",
    "pdsa.CycleComment": "comments are shown on the cycle page only",
    "pdsa.SharedIdea": "the ideas exchange is not shown on a row",
    "pdsa.IdeaComment": "the ideas exchange is not shown on a row",
    "pdsa.HistoricalPDSACycle": "history is not shown on a row",
    "pdsa.HistoricalCycleQuestion": "history is not shown on a row",
    "pdsa.HistoricalCycleTask": "history is not shown on a row",
    "pdsa.HistoricalDataPoint": "history is not shown on a row",
    "evidence.Topic": "the evidence library is not shown on a row",
    "evidence.EvidenceItem": "the evidence library is not shown on a row",
    "evidence.HistoricalEvidenceItem": "history is not shown on a row",
    "evidence.HistoricalEvidenceItem_topics": "history is not shown on a row",
    "workshops.Invitation": "a row shows attendance, not invitations",
    "workshops.Material": "materials are not shown on a row",
    "workshops.Feedback": "feedback is shown on the programme report, not on a dashboard",
    "followup.Survey": "a row counts recipients and responses, which are Recipient rows",
    "followup.Link": "survey links are not shown",
    "followup.Response": "submitting marks its Recipient (response_submit replaces the token)",
    "messaging.Message": "messages are not shown on a row",
    "messaging.Preference": "message preferences are not shown on a row",
    "dashboards.ProgrammeTotals": "kept totals, themselves kept in step by the practices' tokens",
    "dashboards.PracticeTotals": "kept totals, themselves kept in step by the practices' tokens",
    "dashboards.TotalsChange": "the record of new practice tokens, written with them",
}


def _ids(model, pk, path: str) -> set[int]:
    return set(model._default_manager.filter(pk=pk).values_list(path, flat=True))


def _marker(path: str, changed):
    def before_save(sender, instance, raw=False, **kwargs):
        # The practice it belonged to before this save: a move marks both.
        if not instance._state.adding and instance.pk is not None:
            instance._dashboard_before = _ids(sender, instance.pk, path)

    def after_save(sender, instance, raw=False, **kwargs):
        changed(_ids(sender, instance.pk, path) | getattr(instance, "_dashboard_before", set()))
        instance._dashboard_before = set()

    def before_delete(sender, instance, **kwargs):
        # Before the row goes, while its path to the practice can still be followed.
        changed(_ids(sender, instance.pk, path))

    return before_save, after_save, before_delete


def _new_token(sender, instance, **kwargs):
    # A practice or programme edited directly: the new token is written with the edit.
    instance.dashboard_token = uuid.uuid4()


def _practice_before_save(sender, instance, raw=False, **kwargs):
    # The programme it belonged to before this save: a move changes the totals of both.
    if not instance._state.adding and instance.pk is not None:
        instance._totals_before = _ids(sender, instance.pk, "programme_id")


def _practice_saved(sender, instance, raw=False, **kwargs):
    # A practice's own save (its name is a sort key, its programme whose totals count it).
    programmes = {instance.programme_id, *getattr(instance, "_totals_before", ())}
    totals_changed((programme_id, instance.pk) for programme_id in programmes)
    instance._totals_before = set()


def _practice_deleted(sender, instance, **kwargs):
    totals_changed([(instance.programme_id, instance.pk)])


def _programme_saved(sender, instance, raw=False, **kwargs):
    # Its stale threshold is in every practice's part of its totals.
    totals_changed([(instance.pk, None)])


def _team_changed(sender, instance, action, reverse, pk_set, **kwargs):
    Plan = apps.get_model("pdsa", "ImprovementPlan")
    if not reverse:
        if action.startswith("post_"):
            practices_changed([instance.practice_id])
        return
    # From the user's side: the plans are the other end.
    if action == "pre_clear":
        practices_changed(Plan.objects.filter(team=instance).values_list("practice_id", flat=True))
    elif action in ("post_add", "post_remove") and pk_set:
        practices_changed(Plan.objects.filter(pk__in=pk_set).values_list("practice_id", flat=True))


def connect() -> None:
    """Connect the receivers (from DashboardsConfig.ready)."""
    for label, path in [*PRACTICE_PATHS.items(), *PROGRAMME_PATHS.items()]:
        model = apps.get_model(label)
        changed = practices_changed if label in PRACTICE_PATHS else programmes_changed
        before_save, after_save, before_delete = _marker(path, changed)
        uid = f"dashboards.freshness:{label}"
        pre_save.connect(before_save, sender=model, weak=False, dispatch_uid=uid)
        post_save.connect(after_save, sender=model, weak=False, dispatch_uid=uid)
        pre_delete.connect(before_delete, sender=model, weak=False, dispatch_uid=uid)
    for label in SELF_TOKENED:
        pre_save.connect(
            _new_token, sender=apps.get_model(label), dispatch_uid=f"dashboards.token:{label}"
        )
    Practice = apps.get_model("practices", "Practice")
    Programme = apps.get_model("practices", "Programme")
    uid = "dashboards.freshness:totals"
    pre_save.connect(_practice_before_save, sender=Practice, dispatch_uid=uid)
    post_save.connect(_practice_saved, sender=Practice, dispatch_uid=uid)
    pre_delete.connect(_practice_deleted, sender=Practice, dispatch_uid=uid)
    post_save.connect(_programme_saved, sender=Programme, dispatch_uid=uid)
    m2m_changed.connect(
        _team_changed,
        sender=apps.get_model("pdsa", "ImprovementPlan").team.through,
        dispatch_uid="dashboards.freshness:team",
    )
