"""Forms for audit templates, rounds, the case grid, CSV import and measure links."""

from django import forms
from django.forms import formset_factory

from audits.models import (
    MAX_SAMPLE,
    Answer,
    AuditTemplate,
    Care,
    Criterion,
    Judgement,
)
from audits.services import CRITERION_FIELDS, ROUND_FIELDS, TEMPLATE_FIELDS, CaseInput
from qiproject import forms as bounded
from qiproject.forms import DateField, model_formfield
from qiproject.locking import VersionedForm

NO_PID_CASES = (
    "Number the cases 1, 2, 3... Never enter a patient identifier (name, NHS number, date of "
    "birth) anywhere: keep the key between numbers and patients in the clinical system."
)


class TemplateForm(forms.ModelForm):
    note = forms.CharField(label="What changed", max_length=300, required=False)

    class Meta:
        model = AuditTemplate
        fields = TEMPLATE_FIELDS
        formfield_callback = model_formfield


class TemplateEditForm(VersionedForm, TemplateForm):
    def revision(self, criteria) -> dict:
        """What `services.template_revise` takes from this form and its criteria formset."""
        data = dict(self.cleaned_data)
        note = data.pop("note")
        return {**data, "criteria": criteria.criteria(), "note": note}


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = CRITERION_FIELDS
        formfield_callback = model_formfield
        widgets = {"eligibility": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judged"].initial = Judgement.ANSWERED

    def validate_unique(self):
        # Criteria are saved into a new version by the service, which checks key uniqueness.
        pass


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return  # a criterion is already refused; its key may be missing
        keys = [
            form.cleaned_data["key"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError("Each criterion needs its own key.")
        if not keys:
            raise forms.ValidationError("A template needs at least one criterion.")

    def criteria(self) -> list[dict]:
        return [
            {name: form.cleaned_data[name] for name in CRITERION_FIELDS}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


CriterionFormSet = formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=2, can_delete=True, max_num=40
)


def criterion_initial(version) -> list[dict]:
    """The criteria of a version as formset initial data (the editor starts from them)."""
    return [{name: getattr(c, name) for name in CRITERION_FIELDS} for c in version.criteria.all()]


class RoundForm(forms.Form):
    template = bounded.ModelChoiceField(queryset=AuditTemplate.objects.all())
    period_start = DateField(label="Period from")
    period_end = DateField(label="Period to")
    sample_size = forms.IntegerField(min_value=1, max_value=MAX_SAMPLE, initial=30)
    collected_by = forms.CharField(
        label="Who collects", max_length=200, required=False, help_text="Names or roles."
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period cannot end before it starts.")
        return data


class RoundEditForm(VersionedForm, RoundForm):
    cycles = bounded.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="PDSA cycles this round studies",
    )

    def __init__(self, *args, instance, cycles, **kwargs):
        self.instance = instance
        initial = {name: getattr(instance, name) for name in ROUND_FIELDS}
        initial["cycles"] = list(instance.cycles.all())
        super().__init__(*args, initial=initial, version=instance.version, **kwargs)
        del self.fields["template"]
        self.fields["cycles"].queryset = cycles


ANSWER_CHOICES = [("", "–")] + list(Answer.choices)
ITEM_CHOICES = [("", "–"), ("0", "0 disagree"), ("1", "1 agree")]
ITEM9_CHOICES = [("", "–")] + [(str(i), str(i)) for i in range(5)]


class CaseGridForm(forms.Form):
    """Several rows of cases at once: one select per criterion per row (keyboard-friendly)."""

    def __init__(self, *args, audit_round, numbers, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.audit_round = audit_round
        self.numbers = numbers
        self.criteria = list(audit_round.template_version.criteria.all())
        self.start_back = audit_round.template_version.template.records_start_back
        existing = {case.number: case for case in cases}
        self.rows = []
        for number in numbers:
            case = existing.get(number)
            answers = {a.criterion_id: a.answer for a in case.answers.all()} if case else {}
            names = []
            if self.start_back:
                for item in range(1, 10):
                    name = f"c{number}_item{item}"
                    self.fields[name] = forms.ChoiceField(
                        choices=ITEM9_CHOICES if item == 9 else ITEM_CHOICES,
                        required=False,
                        label=f"Case {number}, STarT Back item {item}",
                        initial=str(case.start_back[item - 1]) if case and case.start_back else "",
                    )
                    names.append(name)
                name = f"c{number}_care"
                self.fields[name] = forms.ChoiceField(
                    choices=[("", "–")] + list(Care.choices),
                    required=False,
                    label=f"Case {number}, care given",
                    initial=case.care if case else "",
                )
                names.append(name)
            for criterion in self.criteria:
                if not criterion.is_answered:
                    continue
                name = f"c{number}_{criterion.key}"
                choices = ANSWER_CHOICES
                if not criterion.allows_not_applicable:
                    choices = [c for c in ANSWER_CHOICES if c[0] != Answer.NOT_APPLICABLE]
                self.fields[name] = forms.ChoiceField(
                    choices=choices,
                    required=False,
                    label=f"Case {number}, {criterion.short_name}",
                    initial=answers.get(criterion.pk, ""),
                )
                names.append(name)
            self.rows.append((number, case, [self[name] for name in names]))

    def case_inputs(self) -> list[CaseInput]:
        rows = []
        for number in self.numbers:
            data = self.cleaned_data
            answers = {
                c.key: data.get(f"c{number}_{c.key}", "") for c in self.criteria if c.is_answered
            }
            start_back, care = None, ""
            if self.start_back:
                items = [data.get(f"c{number}_item{i}", "") for i in range(1, 10)]
                if any(items):
                    if not all(items):
                        self.add_error(None, f"Case {number}: answer all nine STarT Back items.")
                        continue
                    start_back = [int(item) for item in items]
                care = data.get(f"c{number}_care", "")
            rows.append(CaseInput(number=number, answers=answers, start_back=start_back, care=care))
        return rows


class CaseImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text="A search export saved as CSV, at most 1 MB."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError("The file is larger than 1 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("Save the file as CSV in UTF-8.") from None


class MeasureLinkForm(forms.Form):
    """Which template's criterion feeds the measure (one choice: template and criterion)."""

    criterion = forms.ChoiceField(label="Audit criterion")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        self.templates = {}
        for template in AuditTemplate.objects.prefetch_related("versions__criteria"):
            self.templates[template.pk] = template
            latest = next(v for v in template.versions.all() if v.number == template.version)
            choices.append(
                (
                    template.name,
                    [(f"{template.pk}:{c.key}", c.short_name) for c in latest.criteria.all()],
                )
            )
        self.fields["criterion"].choices = [("", "Choose a criterion")] + choices

    def chosen(self) -> tuple[AuditTemplate, str]:
        template_id, key = self.cleaned_data["criterion"].split(":", 1)
        return self.templates[int(template_id)], key
