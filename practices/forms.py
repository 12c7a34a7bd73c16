"""Forms for people, invitations and the visit log."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.template.loader import render_to_string
from django.utils import timezone

from practices.models import (
    EMAIL_MAX_LENGTH,
    PLANNED_VISIT_HAS_NO_ACTIONS,
    PLANNED_VISIT_REFUSES,
    Role,
    User,
    Visit,
    VisitMode,
    canonical_email,
)
from practices.services import password_reset_email_claim
from qiproject import forms as bounded
from qiproject.forms import DateField
from qiproject.locking import VersionedForm


class SignInForm(AuthenticationForm):
    """Sign in with an email address, compared in its canonical form.

    Django's AuthenticationForm sets max_length after the field is built, so the length is
    never checked: an over-long address reached the database (and the lockout's records).
    """

    username = forms.CharField(
        label="Email address",
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "max_length": "An email address has at most %(limit_value)d characters "
            "(this one has %(show_value)d)."
        },
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return canonical_email(self.cleaned_data["username"])


def axes_username(request, credentials) -> str | None:
    """The name the lockout counts failures under: the canonical email, whatever its case."""
    if credentials and credentials.get("username") is not None:
        username = credentials["username"]
    else:
        username = getattr(request, "POST", {}).get("username")
    if username is None:
        return None
    return canonical_email(username)[:EMAIL_MAX_LENGTH]


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


def _team(practice):
    """The practice's members who can own actions (not patient representatives)."""
    return (
        User.objects.filter(memberships__practice=practice)
        .exclude(memberships__role=Role.PATIENT_REP)
        .order_by("full_name")
    )


class VisitForm(VersionedForm, forms.ModelForm):
    """A visit's own fields; who took part is limited to the practice's team.

    A date after today plans the visit: only date, mode and topics then (the model refuses
    the rest next to each field), and the facilitator completes it once it has happened.
    """

    class Meta:
        formfield_callback = bounded.model_formfield
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
        formfield_callback = bounded.model_formfield
        widgets = {
            "participants": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "private_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # A new visit has no version to be stale against.
            del self.fields["version"]
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

    pk = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=bounded.LARGEST_ID
    )
    description = forms.CharField(
        max_length=300,
        label="What was agreed",
        help_text="No patient-identifiable data.",
    )
    owner = bounded.ModelChoiceField(queryset=User.objects.none(), label="Owner in the practice")
    due_on = DateField(label="Due")

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
    try:
        rows = int(data.get("actions-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        return data  # not a count: the formset reports its management data as invalid
    data["actions-TOTAL_FORMS"] = str(rows + 1)
    return data


class TimeSummaryForm(forms.Form):
    start = DateField(label="From")
    end = DateField(label="To")
    facilitator = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=bounded.LARGEST_ID
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end must not be before the start.")
        return data
