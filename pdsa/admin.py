from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pdsa import services
from pdsa.models import (
    ChangeIdea,
    CycleComment,
    CycleQuestion,
    CycleTask,
    DataPoint,
    Driver,
    IdeaComment,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
    PDSACycle,
    SharedIdea,
)
from qiproject.admin_lists import LargeTableAdmin


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "practice", "status", "start_date", "progress_score"]
    list_select_related = ["practice"]
    list_filter = ["status", "practice__programme"]
    search_fields = ["title", "practice__name", "practice__ods_code"]
    raw_id_fields = ["practice"]
    filter_horizontal = ["team"]


@admin.register(Driver)
class DriverAdmin(admin.ModelAdmin):
    list_display = ["text", "level", "plan", "parent"]
    list_select_related = ["plan", "parent"]
    list_filter = ["level"]
    search_fields = ["text", "plan__title"]
    raw_id_fields = ["plan", "parent"]


@admin.register(ChangeIdea)
class ChangeIdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "driver", "plan"]
    list_select_related = ["plan", "driver"]
    list_filter = ["plan__practice__programme"]
    search_fields = ["title", "plan__title"]
    raw_id_fields = ["plan", "driver", "copied_from"]
    filter_horizontal = ["evidence"]
    readonly_fields = ["origin"]


@admin.register(LibraryMeasure)
class LibraryMeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "clinical_topic", "kind", "data_type", "improvement", "is_active"]
    list_filter = ["clinical_topic", "kind", "data_type", "is_active"]
    search_fields = ["name", "definition"]


@admin.register(Measure)
class MeasureAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ["name", "plan", "kind", "data_type", "frequency", "improvement"]
    list_select_related = ["plan"]
    list_filter = ["kind", "data_type", "frequency"]
    search_fields = ["name", "plan__title", "plan__practice__name"]
    raw_id_fields = ["plan", "library_measure"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A changed target or baseline changes the icons the dashboards show.
        services.measure_summary_refresh(measure=obj)


@admin.register(DataPoint)
class DataPointAdmin(LargeTableAdmin, SimpleHistoryAdmin):
    list_display = ["measure", "period", "numerator", "denominator", "value"]
    list_select_related = ["measure"]
    list_filter = ["measure__data_type"]
    search_fields = ["measure__name", "measure__plan__practice__name"]
    raw_id_fields = ["measure"]

    # Edits here bypass the data services, so the measure's kept summary is refreshed too.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.measure_summary_refresh(measure=obj.measure)

    # SimpleHistoryAdmin puts the editor in the history of a save; a removal is theirs too.
    def delete_model(self, request, obj):
        measure = obj.measure
        obj._history_user = request.user
        super().delete_model(request, obj)
        services.measure_summary_refresh(measure=measure)

    def delete_queryset(self, request, queryset):
        measures = list(Measure.objects.filter(pk__in=queryset.values("measure_id")))
        for point in queryset:
            point._history_user = request.user
            point.delete()
        for measure in measures:
            services.measure_summary_refresh(measure=measure)


@admin.register(PDSACycle)
class PDSACycleAdmin(LargeTableAdmin, SimpleHistoryAdmin):
    list_display = ["title", "number", "plan", "stage", "decision", "owner", "start_date"]
    list_select_related = ["plan", "owner"]
    list_filter = ["stage", "decision"]
    search_fields = ["title", "plan__title", "plan__practice__name"]
    raw_id_fields = ["plan", "change_idea", "previous", "owner"]
    filter_horizontal = ["measures", "evidence"]


@admin.register(CycleQuestion)
class CycleQuestionAdmin(LargeTableAdmin, SimpleHistoryAdmin):
    list_display = ["question", "cycle"]
    list_select_related = ["cycle"]
    search_fields = ["question", "prediction", "cycle__title"]
    list_filter = ["cycle__stage"]
    raw_id_fields = ["cycle"]


@admin.register(CycleTask)
class CycleTaskAdmin(LargeTableAdmin, SimpleHistoryAdmin):
    list_display = ["what", "who", "when", "cycle"]
    list_select_related = ["cycle"]
    search_fields = ["what", "who", "cycle__title"]
    list_filter = ["cycle__stage"]
    raw_id_fields = ["cycle"]


@admin.register(CycleComment)
class CycleCommentAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ["cycle", "author", "created_at"]
    list_select_related = ["cycle", "author"]
    search_fields = ["body", "cycle__title", "author__email"]
    list_filter = ["created_at"]
    raw_id_fields = ["cycle", "author"]


@admin.register(SharedIdea)
class SharedIdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "practice", "outcome", "shared_at", "withdrawn_at"]
    list_select_related = ["practice"]
    list_filter = ["outcome", "practice__programme", "withdrawn_at"]
    search_fields = ["title", "summary", "practice__name"]
    raw_id_fields = ["change_idea", "practice", "shared_by"]
    filter_horizontal = ["evidence"]


@admin.register(IdeaComment)
class IdeaCommentAdmin(admin.ModelAdmin):
    list_display = ["shared_idea", "author", "created_at"]
    list_select_related = ["shared_idea", "author"]
    search_fields = ["body", "shared_idea__title", "author__email"]
    list_filter = ["created_at"]
    raw_id_fields = ["shared_idea", "author"]
