"""Forms for people and invitations."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from practices.models import Role


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


class AcceptInvitationForm(SetPasswordForm):
    """Choose a password for the account an invitation creates."""

    def __init__(self, *args, **kwargs):
        super().__init__(None, *args, **kwargs)
