"""Forms for sessions, answers, the register, feedback and learning needs."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, Q, When

from evidence.models import EvidenceItem
from qiproject import forms as bounded
from qiproject.locking import VersionedForm
from workshops.models import Feedback, LearningTopic, Response, WorkshopSession

RATINGS = [(n, str(n)) for n in range(1, 6)]


class SessionForm(VersionedForm, forms.ModelForm):
    online_url = forms.URLField(
        label="Online link", required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        formfield_callback = bounded.model_formfield
        model = WorkshopSession
        fields = [
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "facilitators",
            "agenda",
            "learning_objectives",
            "agenda_topics",
            "evidence",
        ]
        formfield_callback = bounded.model_formfield
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "learning_objectives": forms.Textarea(attrs={"rows": 4}),
            "facilitators": forms.CheckboxSelectMultiple,
            "agenda_topics": forms.CheckboxSelectMultiple,
            "evidence": bounded.FilterableCheckboxes(filter_label="Narrow the list of evidence"),
        }
        help_texts = {"evidence": "Published items only: tick each one the session uses."}

    def __init__(self, *args, programme, needs=(), **kwargs):
        """`needs`: the programme's learning-needs results, weakest first, to order its topics."""
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # A new session has no version to be stale against.
            del self.fields["version"]
        users = get_user_model().objects
        self.fields["facilitators"].queryset = users.filter(
            Q(led_programmes=programme)
            | Q(
                facilitations__practice__programme=programme,
                facilitations__ended_on__isnull=True,
            )
        ).distinct()
        linked = self.instance.evidence.all() if self.instance.pk else None
        self.fields["evidence"].queryset = EvidenceItem.objects.citable(linked)
        self.fields["evidence"].required = False
        self.fields["facilitators"].required = False
        _agenda_topics_field(self.fields["agenda_topics"], programme, needs)


def _agenda_topics_field(field, programme, needs) -> None:
    """The programme's topics, weakest learning need first, each with its confidence before."""
    results = {result.topic.pk: result for result in needs}
    order = list(results)
    # With no When, Case compiles to a bare number, which PostgreSQL reads as a column position.
    weakest_first = (
        [Case(*[When(pk=pk, then=n) for n, pk in enumerate(order)], default=len(order))]
        if order
        else []
    )
    field.queryset = LearningTopic.objects.filter(programme=programme).order_by(
        *weakest_first, "position", "name"
    )
    field.required = False
    field.help_text = "The topics this session's agenda addresses; the weakest come first."

    def label(topic):
        result = results.get(topic.pk)
        if result is None or result.before is None:
            return f"{topic.name} (not rated yet)"
        return f"{topic.name} (confidence before: {result.before} of 5)"

    field.label_from_instance = label


class MaterialForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, help_text="Defaults to the file name.")
    file = forms.FileField(
        help_text="PDF, image or Office document, up to 10 MB. No patient-identifiable data."
    )


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        label="Will you come?",
        choices=[(c, label) for c, label in Response.choices if c != Response.PENDING],
        widget=forms.RadioSelect,
    )


class FeedbackForm(forms.ModelForm):
    usefulness = forms.TypedChoiceField(
        label="How useful was the session?",
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 = not useful, 5 = very useful.",
    )
    confidence = forms.TypedChoiceField(
        label="How confident do you feel applying what was covered?",
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="1 = not confident, 5 = very confident.",
    )

    class Meta:
        formfield_callback = bounded.model_formfield
        model = Feedback
        fields = ["usefulness", "confidence", "comments"]
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}


class TopicForm(forms.Form):
    name = forms.CharField(label="New topic", max_length=200)


class LearningNeedsForm(forms.Form):
    """One 1-5 rating per topic."""

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = topics
        for topic in topics:
            self.fields[f"topic_{topic.pk}"] = forms.TypedChoiceField(
                label=topic.name,
                choices=RATINGS,
                coerce=int,
                widget=forms.RadioSelect,
                help_text="1 = not at all confident, 5 = very confident.",
            )

    def answers(self) -> dict[int, int]:
        return {topic.pk: self.cleaned_data[f"topic_{topic.pk}"] for topic in self.topics}
