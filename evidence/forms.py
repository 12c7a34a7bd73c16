"""Forms for searching and curating the evidence library."""

from django import forms

from evidence.models import EvidenceItem, Kind, Status, Topic
from evidence.services import EDITABLE_FIELDS
from qiproject import forms as bounded


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


class EvidenceItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    url = forms.URLField(label="Link", required=False, max_length=500, assume_scheme="https")
    topics = bounded.ModelMultipleChoiceField(
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        formfield_callback = bounded.bounded_formfield
        model = EvidenceItem
        # What the service may change, with the topics chosen before the review date.
        fields = [*EDITABLE_FIELDS[:-1], "topics", EDITABLE_FIELDS[-1]]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 8}),
            "myth": forms.Textarea(attrs={"rows": 2}),
            "myth_evidence": forms.Textarea(attrs={"rows": 4}),
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "next_review_on": forms.DateInput(attrs={"type": "date"}),
        }


class RetireForm(forms.Form):
    retired_reason = forms.CharField(
        label="Why is it retired?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Readers who linked it will see this reason. No patient-identifiable data.",
    )
