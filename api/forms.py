"""The form that makes a personal API token."""

from django import forms

from api.models import ApiToken, Scope

EXPIRY_CHOICES = [(7, "In 7 days"), (30, "In 30 days"), (90, "In 90 days"), (365, "In a year")]


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=ApiToken._meta.get_field("name").help_text,
    )
    scope = forms.ChoiceField(
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text="A read token cannot change anything. Give a script write access only if "
        "it sends data.",
    )
    days = forms.TypedChoiceField(label="Expires", choices=EXPIRY_CHOICES, coerce=int, initial=90)
