"""Forms for searching and curating the evidence library."""

from datetime import date

from django import forms
from django.utils import timezone

from evidence.models import EvidenceItem, Kind, Status, Topic
from evidence.services import EDITABLE_FIELDS
from qiproject import forms as bounded
from qiproject.forms import DateField
from qiproject.locking import VersionedForm


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    kind = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *Kind.choices]
    )
    topic = forms.ChoiceField(label="Topic", required=False)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Status.choices]
    )

    def __init__(self, *args, topics, show_status: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Any topic")] + [(t.slug, t.name) for t in topics]
        if not show_status:
            del self.fields["status"]


class EvidenceItemForm(VersionedForm, forms.ModelForm):
    # Sources go back decades; a publication date is never in the future.
    published_on = DateField(
        label="Publication date",
        required=False,
        min_value=date(1900, 1, 1),
        max_value=timezone.localdate,
    )
    next_review_on = DateField(label="Next review date", required=False)
    url = forms.URLField(label="Link", required=False, max_length=500, assume_scheme="https")
    topics = bounded.ModelMultipleChoiceField(
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        formfield_callback = bounded.model_formfield
        model = EvidenceItem
        # What the service may change, with the topics chosen before the review date.
        fields = [*EDITABLE_FIELDS[:-1], "topics", EDITABLE_FIELDS[-1]]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 8}),
            "myth": forms.Textarea(attrs={"rows": 2}),
            "myth_evidence": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["version"]


RETIRED_REASON_MAX_LENGTH = 2000


class RetireForm(forms.Form):
    retired_reason = forms.CharField(
        label="Why is it retired?",
        max_length=RETIRED_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers who linked it will see this reason. No patient-identifiable data.",
    )
