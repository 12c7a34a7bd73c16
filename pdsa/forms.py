"""Forms for improvement plans, driver diagrams, measures, data and PDSA cycles."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from evidence.models import EvidenceItem
from pdsa.models import (
    COUNT_LIMIT,
    MAX_COUNT,
    MAX_VALUE,
    NO_PID,
    PROGRESS_SCORES,
    VALUE_LIMITS,
    ChangeIdea,
    DataType,
    Driver,
    DriverLevel,
    Frequency,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
    Outcome,
    PDSACycle,
    Stage,
)
from pdsa.services import IMPORT_MAX_ROWS, MEASURE_FIELDS, PLAN_FIELDS, STAGE_FIELDS
from pdsa.services.measures import NUMBERS
from qiproject import forms as bounded
from qiproject.dates import format_period
from qiproject.forms import DateField
from qiproject.locking import OUT_OF_DATE_FORM, VersionedForm

EVIDENCE_HELP = "Published items only: tick each one that supports it."


def evidence_choices(linked=None):
    """Published items, plus any already cited (a retired one stays linked, shown as retired)."""
    return EvidenceItem.objects.citable(linked)


def _evidence_field(form, linked=None) -> None:
    field = form.fields["evidence"]
    field.widget = bounded.FilterableCheckboxes(filter_label="Narrow the list of evidence")
    field.queryset = evidence_choices(linked)  # also gives the new widget its choices
    field.required = False
    field.help_text = EVIDENCE_HELP


def _practice_people(practice):
    return get_user_model().objects.filter(memberships__practice=practice).order_by("full_name")


class PlanForm(VersionedForm, forms.ModelForm):
    class Meta:
        formfield_callback = bounded.model_formfield
        model = ImprovementPlan
        fields = [*PLAN_FIELDS, "team"]
        widgets = {
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
        if not self.instance.pk:
            # A new plan has no version to be stale against.
            del self.fields["version"]


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
    parent = bounded.ModelChoiceField(
        label="Under primary driver",
        queryset=Driver.objects.none(),
        required=False,
        empty_label="None: this is a primary driver",
        help_text="Leave empty for a primary driver; choose one for a secondary driver.",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = plan.drivers.filter(level=DriverLevel.PRIMARY)


class ChangeIdeaForm(VersionedForm):
    driver = bounded.ModelChoiceField(label="Driver it acts on", queryset=Driver.objects.none())
    title = forms.CharField(label="Change idea", max_length=200, help_text=NO_PID)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, help_text=NO_PID
    )
    evidence = bounded.ModelMultipleChoiceField(
        label="Evidence behind it", queryset=EvidenceItem.objects.none()
    )

    def __init__(self, *args, plan, idea=None, **kwargs):
        super().__init__(*args, version=idea.version if idea else None, **kwargs)
        if idea is None:
            # Adding an idea: nothing to be stale against.
            del self.fields["version"]
        self.fields["driver"].queryset = plan.drivers.all()
        _evidence_field(self, idea.evidence.all() if idea else None)


class ShareForm(forms.Form):
    summary = forms.CharField(
        label="What other practices should know",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="What worked, what to watch for. " + NO_PID,
    )


class CopyForm(forms.Form):
    """Where a shared idea is copied: a plan (its best-matching driver) or a chosen driver."""

    target = forms.ChoiceField(label="Copy into")

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for plan in plans:
            options = [(f"plan-{plan.pk}", f"{plan.title}: the best-matching driver")]
            options += [
                (f"driver-{d.pk}", f"{plan.title}: {d.get_level_display().lower()} “{d.text}”")
                for d in plan.drivers.all()
            ]
            choices.append((f"{plan.practice.name}: {plan.title}", options))
        self.fields["target"].choices = choices
        self.plans = {plan.pk: plan for plan in plans}

    def clean_target(self):
        """The (plan, driver or None) chosen."""
        kind, _, pk = self.cleaned_data["target"].partition("-")
        for plan in self.plans.values():
            if kind == "plan" and str(plan.pk) == pk:
                return plan, None
            for driver in plan.drivers.all():
                if kind == "driver" and str(driver.pk) == pk:
                    return plan, driver
        raise forms.ValidationError("Choose one of your plans or drivers.")


MEASURE_FORM_FIELDS = [*MEASURE_FIELDS, "target"]


class MeasureForm(VersionedForm, forms.ModelForm):
    class Meta:
        formfield_callback = bounded.model_formfield
        model = Measure
        fields = [*MEASURE_FORM_FIELDS, "baseline_end"]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]


class LibraryMeasureForm(VersionedForm, forms.ModelForm):
    class Meta:
        formfield_callback = bounded.model_formfield
        model = LibraryMeasure
        fields = [
            "clinical_topic",
            *MEASURE_FIELDS,
            "suggested_target",
            "source",
            "is_active",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]


def period_field(measure, **kwargs) -> bounded.PeriodField:
    """A period of this measure: a month or ISO week picker, up to the period under way."""
    kwargs.setdefault("max_value", timezone.localdate)
    kwargs.setdefault("label", "Week" if measure.frequency == Frequency.WEEKLY else "Month")
    return bounded.PeriodField(frequency=measure.frequency, **kwargs)


class RebaseForm(VersionedForm):
    """The rebase edits the measure, so it carries the measure's version like its edit form."""

    rebased_from = DateField(
        label="Recalculate limits from period",
        required=False,
        help_text="Leave empty to remove the rebase.",
    )
    rebase_reason = forms.CharField(
        label="What changed at this period", max_length=300, required=False, help_text=NO_PID
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rebased_from"] = period_field(
            measure,
            label="Recalculate limits from period",
            required=False,
            help_text="Leave empty to remove the rebase.",
        )

    def clean(self):
        data = super().clean()
        if data.get("rebased_from") and not data.get("rebase_reason", "").strip():
            self.add_error("rebase_reason", "Say what changed at this period.")
        return data


COUNT_MESSAGES = {"max_value": COUNT_LIMIT.message}
VALUE_MESSAGES = {"min_value": VALUE_LIMITS[0].message, "max_value": VALUE_LIMITS[1].message}


class DataPointForm(VersionedForm):
    """A period's value: a new one (no version) or a correction of a saved one (its version)."""

    period = forms.Field()  # replaced by the measure's period field in __init__
    numerator = forms.IntegerField(
        min_value=0, max_value=MAX_COUNT, required=False, error_messages=COUNT_MESSAGES
    )
    denominator = forms.IntegerField(
        min_value=1, max_value=MAX_COUNT, required=False, error_messages=COUNT_MESSAGES
    )
    value = forms.FloatField(
        min_value=-MAX_VALUE, max_value=MAX_VALUE, required=False, error_messages=VALUE_MESSAGES
    )
    note = forms.CharField(max_length=300, required=False, help_text=NO_PID)

    def __init__(self, *args, measure, version=None, **kwargs):
        super().__init__(*args, version=version, **kwargs)
        if version is None:
            del self.fields["version"]
        self.measure = measure
        if "period" in self.fields:
            self.fields["period"] = period_field(measure)
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
                self.fields["value"] = forms.IntegerField(
                    min_value=0, max_value=MAX_COUNT, label="Count", error_messages=COUNT_MESSAGES
                )

    def clean(self):
        data = super().clean()
        numerator, denominator = data.get("numerator"), data.get("denominator")
        if numerator is not None and denominator is not None and numerator > denominator:
            self.add_error("numerator", "The numerator cannot be more than the denominator.")
        return data


class GridRowForm(DataPointForm):
    """One period of the data grid: left blank it is skipped; a saved value carries its version.

    Its fields are named after the period (`p2027-03-numerator`), so a row can only ever be
    saved as the period it was shown for.
    """

    def __init__(self, *args, measure, period, point=None, **kwargs):
        initial = {name: getattr(point, name) for name in NUMBERS} if point else {}
        super().__init__(
            *args,
            measure=measure,
            version=point.version if point else None,
            initial=initial,
            prefix=f"p{bounded.period_value(period, measure.frequency)}",
            **kwargs,
        )
        self.period, self.point = period, point
        if "version" in self.fields:
            # Absent when the row was blank as rendered: the service then says who saved first.
            self.fields["version"].required = False
        shown = format_period(period, measure.frequency)
        del self.fields["period"], self.fields["note"]
        for name in NUMBERS:
            if name in self.fields:
                field = self.fields[name]
                field.required = False
                field.help_text = ""
                field.label = f"{(field.label or name).capitalize()} for {shown}"
                field.widget.attrs.update({"inputmode": "decimal", "class": "form-control"})
        counted = measure.data_type == DataType.COUNT
        if counted and point is not None and point.value is not None:
            self.initial["value"] = int(point.value)

    def is_blank(self) -> bool:
        """Whether every cell of the row was left empty (checked before validation)."""
        return not any(
            str(self.data.get(self.add_prefix(name), "")).strip()
            for name in NUMBERS
            if name in self.fields
        )

    def full_clean(self):
        if self.is_bound and self.is_blank():
            # A blank row is skipped: nothing in it to validate.
            self._errors, self.cleaned_data = forms.utils.ErrorDict(), {}
            return
        super().full_clean()
        if self.is_bound and self.measure.is_proportion and not self._errors:
            for name in ("numerator", "denominator"):
                if self.cleaned_data.get(name) is None:
                    self.add_error(name, "Enter both numbers, or neither.")
        elif self.is_bound and not self._errors and self.cleaned_data.get("value") is None:
            self.add_error("value", "Enter a value.")

    def row(self) -> dict:
        """The row as data_points_save takes it."""
        row = {name: self.cleaned_data.get(name) for name in NUMBERS}
        row["period"] = self.period
        row["note"] = self.point.note if self.point else ""
        row["version"] = self.cleaned_data.get("version") if self.point else None
        return row


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Columns: period, numerator, denominator (proportions) or period, value. "
            f"At most {IMPORT_MAX_ROWS:,} rows and 1 MB a file."
        ),
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
        formfield_callback = bounded.model_formfield
        model = PDSACycle
        fields = [*STAGE_FIELDS[Stage.PLAN], "measures", "evidence"]
        widgets = {
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
        _evidence_field(self, self.instance.evidence.all() if self.instance.pk else None)


class CycleStageForm(VersionedForm, CycleCreateForm):
    """The worksheet up to the cycle's current stage, with results for each prediction."""

    class Meta(CycleCreateForm.Meta):
        fields = [name for fields in STAGE_FIELDS.values() for name in fields] + [
            "measures",
            "evidence",
        ]
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
        reached = list(STAGE_FIELDS)[: cycle.stage_index + 1]
        allowed = {name for stage in reached for name in STAGE_FIELDS[stage]}
        for name in list(self.fields):
            if name not in allowed and name not in ("version", "measures", "evidence"):
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
        skip = {"version", "measures", "evidence"}
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in skip and not name.startswith("result_")
        }


class CycleAdvanceForm(VersionedForm):
    """A "Move to ..." click: the version and the stage the user saw when they clicked."""

    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)

    def full_clean(self):
        super().full_clean()
        if self.is_bound and "stage" in self._errors:
            del self._errors["stage"]
            self.add_error(None, OUT_OF_DATE_FORM)


class QuestionForm(forms.Form):
    question = forms.CharField(max_length=300, help_text=NO_PID)
    prediction = forms.CharField(max_length=300, help_text=NO_PID)


class TaskForm(forms.Form):
    what = forms.CharField(label="Task", max_length=300, help_text=NO_PID)
    who = forms.CharField(max_length=150, help_text="A role or a team member. " + NO_PID)
    when = DateField(required=False)
    where = forms.CharField(max_length=150, required=False, help_text=NO_PID)


class AbandonForm(forms.Form):
    reason = forms.CharField(
        label="Why is the cycle being abandoned?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=NO_PID,
    )


class ExchangeFilterForm(forms.Form):
    q = forms.CharField(label="Words in the idea", required=False, max_length=100)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    practice = forms.ChoiceField(
        label="Shared by", required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, practices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", "Any outcome"), *Outcome.choices]
        self.fields["practice"].choices = [("", "Any practice")] + [
            (str(p.pk), p.name) for p in practices
        ]


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), help_text=NO_PID
    )
