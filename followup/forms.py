from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from followup.factors import FACTORS
from followup.models import NO_PID, InPlace, Survey
from qiproject import forms as bounded

SCORES = [(score, str(score)) for score in range(1, 6)]


class AnswerForm(forms.Form):
    """The survey as one person sees it: adopted changes, the ten factors, free text."""

    def __init__(self, *args, survey: Survey, changes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.changes = changes
        for index, (_, title) in enumerate(changes):
            self.fields[f"change_{index}_status"] = forms.ChoiceField(
                label=f"{title}: {survey.change_question}",
                choices=InPlace.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"change_{index}_why"] = forms.CharField(
                label=survey.why_question,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=NO_PID,
            )
        for factor in FACTORS:
            self.fields[f"factor_{factor.key}"] = forms.TypedChoiceField(
                label=survey.factor_statements.get(factor.key, factor.statement),
                help_text=f"{factor.group}: {factor.label}",
                choices=SCORES,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.fields["free_text"] = forms.CharField(
            label=survey.free_text_question,
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=NO_PID,
        )

    def change_rows(self):
        """(status, why) bound fields for each adopted change, for the template."""
        return [
            (self[f"change_{index}_status"], self[f"change_{index}_why"])
            for index in range(len(self.changes))
        ]

    def factor_fields(self):
        return [self[f"factor_{factor.key}"] for factor in FACTORS]

    def answers(self) -> dict:
        """The cleaned answers in the shape the response service takes."""
        data = self.cleaned_data
        return {
            "changes": [
                {
                    "key": key,
                    "title": title,
                    "status": data[f"change_{index}_status"],
                    "why": data[f"change_{index}_why"],
                }
                for index, (key, title) in enumerate(self.changes)
            ],
            "factor_scores": {factor.key: data[f"factor_{factor.key}"] for factor in FACTORS},
            "free_text": data["free_text"],
        }


class QuestionsForm(forms.ModelForm):
    """A lead's edit of the survey's wording before it goes out."""

    class Meta:
        formfield_callback = bounded.model_formfield
        model = Survey
        fields = ["intro", "change_question", "why_question", "factor_intro", "free_text_question"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for factor in FACTORS:
            self.fields[f"factor_{factor.key}"] = forms.CharField(
                label=f"{factor.group}: {factor.label}",
                max_length=300,
                initial=self.instance.factor_statements.get(factor.key, factor.statement),
            )
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", "Save the questions"))

    def questions(self) -> dict:
        """The edited wording, with the factor statements gathered into one mapping."""
        data = self.cleaned_data
        questions = {name: data[name] for name in self.Meta.fields}
        questions["factor_statements"] = {
            factor.key: data[f"factor_{factor.key}"] for factor in FACTORS
        }
        return questions
