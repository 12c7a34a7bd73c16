from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evidence.models import EvidenceItem, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    list_filter = []
    prepopulated_fields = {"slug": ["name"]}


@admin.register(EvidenceItem)
class EvidenceItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "status", "strength", "next_review_on", "curator"]
    list_select_related = ["curator"]
    list_filter = ["kind", "status", "strength", "topics"]
    search_fields = ["title", "summary", "citation", "key"]
    autocomplete_fields = ["curator"]
    filter_horizontal = ["topics"]
