"""How every form on the site is rendered (settings.FORM_RENDERER).

Help text is written into the page with |safe by Django's and crispy-forms' templates, yet
some of it comes from what people typed (a measure's numerator and denominator become the
help text of the data form). Escaping it here, once, covers every form, template pack and
page, including the admin. Help text a developer marks safe (mark_safe, format_html) keeps
its markup.

The "no patient-identifiable data" sentence is taken out of each field's help text here too:
the form says it once, above its fields (qiproject.privacy, templates/bootstrap5/uni_form.html).
"""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from qiproject.privacy import has_warning, without_warning


class EscapedHelpTextBoundField(BoundField):
    """A bound field whose help text is escaped unless it was marked safe."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        text = self.help_text
        if text and has_warning(text) and not isinstance(text, SafeString):
            text = without_warning(text)
        self.help_text = conditional_escape(text) if text else ""


class FormRenderer(DjangoTemplates):
    """The site's form renderer: Django's, with help text escaped."""

    bound_field_class = EscapedHelpTextBoundField
