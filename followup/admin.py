from django.contrib import admin

from followup.models import Link, Recipient, Response, Survey
from qiproject.admin_lists import LargeTableAdmin


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["programme", "opened_at"]
    list_select_related = ["programme"]
    list_filter = ["opened_at"]
    search_fields = ["programme__name"]


@admin.register(Recipient)
class RecipientAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ["user", "practice", "profession", "invited_on", "submitted_at"]
    list_select_related = ["user", "practice"]
    list_filter = ["survey__programme", "profession", "submitted_at"]
    search_fields = ["user__email", "user__full_name", "practice__name"]
    raw_id_fields = ["user", "practice", "survey"]


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ["recipient", "created_at", "expires_at"]
    list_select_related = ["recipient__user", "recipient__practice"]
    list_filter = ["expires_at"]
    search_fields = ["recipient__user__email"]
    readonly_fields = ["recipient", "token_hash", "created_at", "expires_at"]


@admin.register(Response)
class ResponseAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ["recipient", "submitted_at"]
    list_select_related = ["recipient__user", "recipient__practice"]
    list_filter = ["submitted_at", "recipient__profession"]
    search_fields = ["recipient__practice__name", "free_text"]
    raw_id_fields = ["recipient"]
