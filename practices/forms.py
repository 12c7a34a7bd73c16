"""Forms for people, invitations and the visit log."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import SetPasswordForm
from django.template.loader import render_to_string
from django.utils import timezone

from practices.models import (
    PLANNED_VISIT_HAS_NO_ACTIONS,
    PLANNED_VISIT_REFUSES,
    Role,
    User,
    Visit,
    VisitMode,
)
from practices.services import password_reset_email_claim


class InvitationForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Full name")
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices)
    is_practice_lead = forms.BooleanField(
        required=False,
        label="Practice lead",
        help_text="Practice leads can invite others and receive the practice's reminders.",
    )

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.PATIENT_REP and data.get("is_practice_lead"):
            self.add_error(
                "is_practice_lead", "A patient representative cannot be the practice lead."
            )
        return data


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with the email sent through the outbox like every other."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        password_reset_email_claim(
            user=context["user"],
            subject=render_to_string(subject_template_name, context),
            body=render_to_string(email_template_name, context),
            token=context["token"],
        )


class AcceptInvitationForm(SetPasswordForm):
    """Choose a password for the account an invitation creates."""

    def __init__(self, *args, **kwargs):
        super().__init__(None, *args, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _team(practice):
    """The practice's members who can own actions (not patient representatives)."""
    return (
        User.objects.filter(memberships__practice=practice)
        .exclude(memberships__role=Role.PATIENT_REP)
        .order_by("full_name")
    )


class VisitForm(forms.ModelForm):
    """A visit's own fields; who took part is limited to the practice's team.

    A date after today plans the visit: only date, mode and topics then (the model refuses
    the rest next to each field), and the facilitator completes it once it has happened.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Visit
        fields = [
            "visited_on",
            "mode",
            "duration_minutes",
            "travel_minutes",
            "participants",
            "other_participants",
            "topics",
            "notes",
            "private_notes",
        ]
        widgets = {
            "visited_on": DateInput(),
            "participants": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "private_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = User.objects.filter(
            memberships__practice=practice
        ).order_by("full_name")
        self.fields["participants"].label_from_instance = lambda user: user.full_name
        self.fields["mode"].choices = VisitMode.choices
        self.fields["visited_on"].help_text = (
            "A date after today plans the visit: give its mode and topics now, "
            "and the rest once it has happened."
        )

    def clean(self):
        data = super().clean()
        if self.is_planned and data.get("participants"):
            self.add_error("participants", PLANNED_VISIT_REFUSES)
        return data

    @property
    def is_planned(self) -> bool:
        """Whether the submitted date is after today (only meaningful once validated)."""
        visited_on = getattr(self, "cleaned_data", {}).get("visited_on")
        return visited_on is not None and visited_on > timezone.localdate()


class ActionForm(forms.Form):
    """One agreed action: who in the practice owns it, what it is, when it is due."""

    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    description = forms.CharField(
        max_length=300,
        label="What was agreed",
        help_text="No patient-identifiable data.",
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), label="Owner in the practice")
    due_on = forms.DateField(label="Due", widget=DateInput())

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _team(practice)
        self.fields["owner"].label_from_instance = lambda user: user.full_name


class ActionFormSet(forms.BaseFormSet):
    """The actions agreed at a visit; blank rows are ignored, as are deleted new rows.

    Given the visit's form, it refuses actions for a planned visit (dated after today).
    """

    def __init__(self, *args, practice, visit_form=None, **kwargs):
        self.practice = practice
        self.visit_form = visit_form
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "practice": self.practice}

    def clean(self):
        super().clean()
        if self.visit_form is None or not self.visit_form.is_bound:
            return
        self.visit_form.errors  # noqa: B018 - validates the visit form (once) to read its date
        kept = [
            row
            for row in self.forms
            if (row.has_changed() or row.initial.get("pk")) and not row.cleaned_data.get("DELETE")
        ]
        if self.visit_form.is_planned and kept:
            raise forms.ValidationError(PLANNED_VISIT_HAS_NO_ACTIONS)


def action_formset(
    data=None, *, practice, initial=None, extra: int = 1, visit_form=None
) -> ActionFormSet:
    """An actions formset with `extra` blank rows (more when 'Add another action' was pressed)."""
    # Only saved actions can be deleted; a new row left blank is simply ignored.
    formset_class = forms.formset_factory(
        ActionForm, formset=ActionFormSet, extra=extra, can_delete=True, can_delete_extra=False
    )
    return formset_class(
        data, practice=practice, initial=initial, prefix="actions", visit_form=visit_form
    )


def with_one_more_row(data):
    """The submitted data with one more blank action row (the no-JavaScript 'add' button)."""
    data = data.copy()
    data["actions-TOTAL_FORMS"] = str(int(data.get("actions-TOTAL_FORMS", 0)) + 1)
    return data


class TimeSummaryForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())
    facilitator = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end must not be before the start.")
        return data
