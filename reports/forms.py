"""The reports' forms: the day a report is as of, a person's period, and a reflection."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from qiproject import forms as bounded
from qiproject.dates import add_months
from qiproject.locking import VersionedForm
from reports.models import Reflection

REFLECTION_FIELDS = ["what_and_why", "what_changed", "what_learned", "what_next"]


class AsOfForm(forms.Form):
    as_of = bounded.DateField(label="As of", required=False)

    def day(self):
        """The day asked for, or today when none (or a bad one) was given."""
        if self.is_valid() and self.cleaned_data["as_of"]:
            return self.cleaned_data["as_of"]
        return timezone.localdate()


class PeriodForm(forms.Form):
    start = bounded.DateField(label="From", required=False)
    end = bounded.DateField(label="To", required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The period must start before it ends.")
        return cleaned

    def period(self):
        """(start, end) asked for; by default the twelve months to today (an appraisal year)."""
        today = timezone.localdate()
        end = start = None
        if self.is_valid():
            start, end = self.cleaned_data["start"], self.cleaned_data["end"]
        end = end or today
        start = start or add_months(end, -12) + timedelta(days=1)
        return start, end


class ReflectionForm(forms.ModelForm):
    """A new reflection (its template carries a one-time token: a double submit creates one)."""

    class Meta:
        formfield_callback = bounded.model_formfield
        model = Reflection
        fields = REFLECTION_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in REFLECTION_FIELDS}


class ReflectionEditForm(VersionedForm, forms.ModelForm):
    """An edit of one's reflection, refused when another tab saved it first."""

    class Meta:
        formfield_callback = bounded.model_formfield
        model = Reflection
        fields = REFLECTION_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in REFLECTION_FIELDS}
