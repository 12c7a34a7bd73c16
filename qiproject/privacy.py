"""The "no patient-identifiable data" warning: one wording, shown once at the top of a form.

Free-text fields carry the warning as help text (`help_text=NO_PID`, also read by the admin and
the API schema). On the site's forms a dozen copies under a dozen fields hide the help that
matters, so the form renderer takes the sentence out of each field's help text and the form
template says it once, above the form, wherever a form has free text.
"""

from django import forms

NO_PID = "Do not enter patient-identifiable data (names, NHS numbers, dates of birth)."
# The survey's gentler wording for people outside the practice team.
NO_PID_SURVEY = "Do not enter patient names, NHS numbers or anything that could identify a patient."
# Shorter wordings the other apps' fields carry (the same strings, so no migration changes).
NO_PID_SHORT = "Do not enter patient-identifiable data."
NO_PID_DETAILS = "Do not enter patient names, NHS numbers or other patient-identifiable details."
WARNINGS = (NO_PID, NO_PID_SURVEY, NO_PID_SHORT, NO_PID_DETAILS, "No patient-identifiable data.")
NOTICE = (
    "Do not enter patient-identifiable data (names, NHS numbers, dates of birth) "
    "anywhere in this form."
)


def without_warning(help_text: str) -> str:
    """The help text with the warning taken out (it is shown once, above the form)."""
    text = str(help_text)
    for warning in WARNINGS:
        text = text.replace(warning, "")
    return text.strip()


def has_warning(help_text) -> bool:
    """Whether a field's help text carries the warning."""
    return any(warning in str(help_text or "") for warning in WARNINGS)


def has_free_text(form) -> bool:
    """Whether a form has a field where someone may type free text: the warning belongs on it."""
    for field in getattr(form, "fields", {}).values():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        if has_warning(field.help_text) or isinstance(field.widget, forms.Textarea):
            return True
    return False
