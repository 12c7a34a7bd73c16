from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse_lazy

from messaging.models import Preference
from qiproject import forms as bounded


class PreferenceForm(forms.ModelForm):
    class Meta:
        formfield_callback = bounded.model_formfield
        model = Preference
        fields = ["digests", "reminders"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse_lazy("message_preferences")
        self.helper.add_input(Submit("save", "Save my choices"))
