"""Admin for audit templates (curated in the browser too) and rounds (read mostly)."""

from django.contrib import admin

from audits.models import AuditRound, AuditTemplate, Criterion, MeasureLink, TemplateVersion


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
    readonly_fields = ["version"]

    def has_add_permission(self, request):
        # A template is born with its first version of criteria: the browser's form does both.
        return False


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin):
    list_display = ["template", "number", "note", "created_at"]
    list_filter = ["template"]
    inlines = [CriterionInline]
    readonly_fields = ["template", "number", "created_at"]


@admin.register(AuditRound)
class AuditRoundAdmin(admin.ModelAdmin):
    list_display = ["__str__", "practice", "status", "sample_size", "period_end"]
    list_filter = ["status", "template_version__template"]
    list_select_related = ["practice", "template_version__template"]
    readonly_fields = ["practice", "template_version", "status", "completed_at"]
    filter_horizontal = ["cycles"]


@admin.register(MeasureLink)
class MeasureLinkAdmin(admin.ModelAdmin):
    list_display = ["measure", "template", "criterion_key"]
    list_select_related = ["measure", "template"]
