"""Forms for improvement plans, driver diagrams, measures, data and PDSA cycles."""

from django import forms
from django.contrib.auth import get_user_model

from pdsa.models import (
    NO_PID,
    PROGRESS_SCORES,
    ChangeIdea,
    DataType,
    Driver,
    DriverLevel,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
    PDSACycle,
    Stage,
)
from pdsa.services import PLAN_FIELDS, STAGE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _practice_people(practice):
    return get_user_model().objects.filter(memberships__practice=practice).order_by("full_name")


class VersionedForm(forms.Form):
    """Carries the version the user started from, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ImprovementPlan
        fields = [*PLAN_FIELDS, "team"]
        widgets = {
            "aim_by_when": DATE_INPUT,
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "team": forms.CheckboxSelectMultiple,
            "problem": forms.Textarea(attrs={"rows": 3}),
            "aim_what": forms.Textarea(attrs={"rows": 3}),
            "how_we_will_know": forms.Textarea(attrs={"rows": 3}),
            "changes_to_try": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _practice_people(practice)
        self.fields["team"].help_text = "Members of the practice working on this plan."
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class ProgressScoreForm(forms.Form):
    progress_score = forms.TypedChoiceField(
        label="Your progress score",
        choices=[("", "Not set"), *[(str(v), label) for v, label in PROGRESS_SCORES]],
        coerce=str,
        required=False,
        empty_value=None,
    )


class DriverForm(forms.Form):
    text = forms.CharField(label="Driver", max_length=300, help_text=NO_PID)
    parent = forms.ModelChoiceField(
        label="Under primary driver",
        queryset=Driver.objects.none(),
        required=False,
        empty_label="None: this is a primary driver",
        help_text="Leave empty for a primary driver; choose one for a secondary driver.",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = plan.drivers.filter(level=DriverLevel.PRIMARY)


class ChangeIdeaForm(forms.Form):
    driver = forms.ModelChoiceField(label="Driver it acts on", queryset=Driver.objects.none())
    title = forms.CharField(label="Change idea", max_length=200, help_text=NO_PID)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=NO_PID
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = plan.drivers.all()


MEASURE_FORM_FIELDS = [
    "name",
    "kind",
    "definition",
    "data_type",
    "numerator",
    "denominator",
    "frequency",
    "improvement",
    "target",
]


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [*MEASURE_FORM_FIELDS, "baseline_end"]
        widgets = {
            "baseline_end": DATE_INPUT,
            "definition": forms.Textarea(attrs={"rows": 3}),
        }


class LibraryMeasureForm(forms.ModelForm):
    class Meta:
        model = LibraryMeasure
        fields = [
            "clinical_topic",
            *[f for f in MEASURE_FORM_FIELDS if f != "target"],
            "suggested_target",
            "source",
            "is_active",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}


class RebaseForm(forms.Form):
    rebased_from = forms.DateField(
        label="Recalculate limits from period",
        widget=DATE_INPUT,
        required=False,
        help_text="Leave empty to remove the rebase.",
    )
    rebase_reason = forms.CharField(
        label="What changed at this period", max_length=300, required=False, help_text=NO_PID
    )

    def clean(self):
        data = super().clean()
        if data.get("rebased_from") and not data.get("rebase_reason", "").strip():
            self.add_error("rebase_reason", "Say what changed at this period.")
        return data


class DataPointForm(forms.Form):
    period = forms.DateField(
        widget=DATE_INPUT, help_text="Any day in the period: it is stored as the period's start."
    )
    numerator = forms.IntegerField(min_value=0, required=False)
    denominator = forms.IntegerField(min_value=1, required=False)
    value = forms.FloatField(required=False)
    note = forms.CharField(max_length=300, required=False, help_text=NO_PID)

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        if measure.is_proportion:
            del self.fields["value"]
            self.fields["numerator"].required = True
            self.fields["denominator"].required = True
            self.fields["numerator"].help_text = measure.numerator
            self.fields["denominator"].help_text = measure.denominator
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
            self.fields["value"].required = True
            if measure.data_type == DataType.COUNT:
                self.fields["value"] = forms.IntegerField(min_value=0, label="Count")

    def clean(self):
        data = super().clean()
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if numerator is not None and denominator is not None and numerator > denominator:
            self.add_error("numerator", "The numerator cannot be more than the denominator.")
        return data


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: period, numerator, denominator (proportions) or period, value.",
    )
    replace_existing = forms.BooleanField(
        label="Replace values for periods already entered", required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError("The file is too large (1 MB at most).")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("Save the file as CSV in UTF-8.") from None


class CycleCreateForm(forms.ModelForm):
    class Meta:
        model = PDSACycle
        fields = [*STAGE_FIELDS[Stage.PLAN], "measures"]
        widgets = {
            "start_date": DATE_INPUT,
            "end_date": DATE_INPUT,
            "measures": forms.CheckboxSelectMultiple,
            "objective": forms.Textarea(attrs={"rows": 3}),
            "data_collection": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's clean() compares the change idea's plan with the cycle's.
        self.instance.plan = plan
        self.fields["change_idea"].queryset = ChangeIdea.objects.filter(plan=plan)
        self.fields["owner"].queryset = _practice_people(plan.practice)
        self.fields["measures"].queryset = plan.measures.all()
        self.fields["measures"].required = False


class CycleStageForm(CycleCreateForm):
    """The worksheet up to the cycle's current stage, with results for each prediction."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(CycleCreateForm.Meta):
        fields = [name for fields in STAGE_FIELDS.values() for name in fields] + ["measures"]
        widgets = {
            **CycleCreateForm.Meta.widgets,
            "what_happened": forms.Textarea(attrs={"rows": 3}),
            "observations": forms.Textarea(attrs={"rows": 3}),
            "learning": forms.Textarea(attrs={"rows": 3}),
            "next_changes": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.RadioSelect,
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        cycle = self.instance
        self.fields["version"].initial = cycle.version
        reached = list(STAGE_FIELDS)[: cycle.stage_index + 1]
        allowed = {name for stage in reached for name in STAGE_FIELDS[stage]}
        for name in list(self.fields):
            if name not in allowed and name not in ("version", "measures"):
                del self.fields[name]
        if "decision" in self.fields:
            self.fields["decision"].required = False
            self.fields["decision"].choices = self.fields["decision"].choices[1:]
        self.questions = list(cycle.questions.all()) if Stage.STUDY in reached else []
        for question in self.questions:
            self.fields[f"result_{question.pk}"] = forms.CharField(
                label=f"Result for: {question.question} (predicted: {question.prediction})",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=question.result,
                help_text=NO_PID,
            )

    def results(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"result_{q.pk}", "") for q in self.questions}

    def stage_fields(self) -> dict:
        skip = {"version", "measures"}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in skip and not name.startswith("result_")
        }


class QuestionForm(forms.Form):
    question = forms.CharField(max_length=300, help_text=NO_PID)
    prediction = forms.CharField(max_length=300, help_text=NO_PID)


class TaskForm(forms.Form):
    what = forms.CharField(label="Task", max_length=300, help_text=NO_PID)
    who = forms.CharField(max_length=150, help_text="A role or a team member. " + NO_PID)
    when = forms.DateField(widget=DATE_INPUT, required=False)
    where = forms.CharField(max_length=150, required=False, help_text=NO_PID)


class AbandonForm(forms.Form):
    reason = forms.CharField(
        label="Why is the cycle being abandoned?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NO_PID,
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), help_text=NO_PID
    )
