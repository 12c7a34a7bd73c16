"""How every form on the site is rendered (settings.FORM_RENDERER).

Help text is written into the page with |safe by Django's and crispy-forms' templates, yet
some of it comes from what people typed (a measure's numerator and denominator become the
help text of the data form). Escaping it here, once, covers every form, template pack and
page, including the admin. Help text a developer marks safe (mark_safe, format_html) keeps
its markup.
"""

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape


class EscapedHelpTextBoundField(BoundField):
    """A bound field whose help text is escaped unless it was marked safe."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        self.help_text = conditional_escape(self.help_text) if self.help_text else ""


class FormRenderer(DjangoTemplates):
    """The site's form renderer: Django's, with help text escaped."""

    bound_field_class = EscapedHelpTextBoundField
