from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from evidence.models import EvidenceItem, Topic
from evidence.selectors import evidence_matching


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    list_filter = []
    prepopulated_fields = {"slug": ["name"]}


@admin.register(EvidenceItem)
class EvidenceItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "status", "strength", "next_review_on", "curator"]
    list_filter = ["kind", "status", "strength", "topics"]
    search_fields = ["key"]
    autocomplete_fields = ["curator"]
    filter_horizontal = ["topics"]

    def get_search_results(self, request, queryset, search_term):
        """The library's own search (stems, synonyms), plus its natural key ("ng59-1.1.4")."""
        by_key, duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return by_key, duplicates
        found = evidence_matching(queryset, q=search_term).values("pk")
        return queryset.filter(Q(pk__in=found) | Q(pk__in=by_key.values("pk"))), duplicates
