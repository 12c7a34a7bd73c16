"""Admin for audit templates and rounds.

Templates are curated here as in the browser, through the same services: the add form makes a
template with its first version, and saving the change form makes a new version, so a round
already collected keeps the criteria it used. Versions and their criteria are read-only.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from audits import selectors, services
from audits.forms import CriterionFormSet, TemplateEditForm, TemplateForm, criterion_initial
from audits.models import AuditRound, AuditTemplate, Criterion, MeasureLink, TemplateVersion
from qiproject.forms import add_validation_error
from qiproject.locking import StaleEditError
from qiproject.uniqueness import unique_violation_as_error


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "key", "short_name", "question", "eligibility", "standard", "source"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # A version's criteria never change: edit the template to make a new version.
        return False


@admin.register(AuditTemplate)
class AuditTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "clinical_area", "kind", "version"]
    search_fields = ["name", "clinical_area"]
    curate_template = "admin/audits/audittemplate/curate.html"

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = TemplateForm(request.POST or None)
        criteria = CriterionFormSet(request.POST or None, prefix="criteria")
        if request.method == "POST" and form.is_valid() and criteria.is_valid():
            data = dict(form.cleaned_data)
            note = data.pop("note") or "First version"
            try:
                with unique_violation_as_error(form):
                    template = services.template_create(
                        criteria=criteria.criteria(), note=note, **data
                    )
            except ValidationError as error:
                add_validation_error(form, error)
            else:
                self.log_addition(request, template, "Added with version 1.")
                messages.success(request, f"Template “{template}” saved as version 1.")
                return redirect(self._change_url(template))
        return self._curate(request, form, criteria, None, "Add audit template")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        template = get_object_or_404(AuditTemplate, pk=object_id)
        if not self.has_view_or_change_permission(request, template):
            raise PermissionDenied
        form = TemplateEditForm(request.POST or None, instance=template)
        criteria = CriterionFormSet(
            request.POST or None,
            prefix="criteria",
            initial=criterion_initial(selectors.template_criteria(template)),
        )
        if request.method == "POST":
            if not self.has_change_permission(request, template):
                raise PermissionDenied
            if form.is_valid() and criteria.is_valid():
                before = template.version
                try:
                    with unique_violation_as_error(form):
                        saved = services.template_revise(
                            template=template, **form.revision(criteria)
                        )
                except StaleEditError as stale:
                    form.add_error(
                        None,
                        f"Someone else saved this template (now version {stale.current.version}) "
                        "while you were editing. Reload it and make your change again.",
                    )
                except ValidationError as error:
                    add_validation_error(form, error)
                else:
                    if saved.number == before:
                        messages.info(request, "Nothing had changed, so no new version was made.")
                    else:
                        self.log_change(request, template, f"Saved as version {saved.number}.")
                        messages.success(request, f"Saved as version {saved.number}.")
                    return redirect(self._change_url(template))
        return self._curate(request, form, criteria, template, f"Change {template}")

    def _change_url(self, template):
        return reverse("admin:audits_audittemplate_change", args=[template.pk])

    def _curate(self, request, form, criteria, template, title):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": template,
            "form": form,
            "criteria": criteria,
            "versions": selectors.versions_of(template) if template else [],
            "can_change": (
                self.has_change_permission(request, template)
                if template
                else self.has_add_permission(request)
            ),
        }
        return TemplateResponse(request, self.curate_template, context)


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin):
    list_display = ["template", "number", "note", "created_at"]
    list_select_related = ["template"]
    list_filter = ["template"]
    inlines = [CriterionInline]
    readonly_fields = ["template", "number", "note", "created_at"]

    def has_add_permission(self, request):
        # Versions are made by saving the template: a round's criteria never change under it.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditRound)
class AuditRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "practice", "status", "sample_size", "period_end"]
    list_filter = ["status", "template_version__template"]
    list_select_related = ["practice", "template_version__template"]
    readonly_fields = ["practice", "template_version", "status", "completed_at"]

    def has_change_permission(self, request, obj=None):
        # A round is edited in the browser, through the service that keeps its lock and the
        # measure it feeds right; here it is only read.
        return False


@admin.register(MeasureLink)
class MeasureLinkAdmin(admin.ModelAdmin):
    list_display = ["measure", "template", "criterion_key"]
    list_select_related = ["measure", "template"]
