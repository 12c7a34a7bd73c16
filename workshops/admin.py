from django.contrib import admin

from qiproject.admin_lists import LargeTableAdmin
from workshops.models import (
    Attendance,
    Feedback,
    Invitation,
    LearningNeed,
    LearningTopic,
    Material,
    WorkshopSession,
)


@admin.register(WorkshopSession)
class WorkshopSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "starts_at", "venue"]
    list_select_related = ["programme"]
    list_filter = ["programme"]
    search_fields = ["title", "venue", "agenda"]
    filter_horizontal = ["facilitators", "evidence"]
    date_hierarchy = "starts_at"


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "content_type", "size", "uploaded_at"]
    list_select_related = ["session"]
    list_filter = ["content_type"]
    search_fields = ["title", "original_name", "session__title"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "practice", "role", "response", "sent_at"]
    list_select_related = ["user", "session", "practice"]
    list_filter = ["response", "role", "session__programme"]
    search_fields = ["user__email", "user__full_name", "session__title"]


@admin.register(Attendance)
class AttendanceAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ["user", "session", "practice", "role", "recorded_by"]
    list_select_related = ["user", "session", "practice", "recorded_by"]
    list_filter = ["role", "session__programme"]
    search_fields = ["user__email", "user__full_name", "session__title"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["session", "usefulness", "confidence", "submitted_at"]
    list_select_related = ["session"]
    list_filter = ["usefulness", "confidence"]
    search_fields = ["session__title", "comments"]


@admin.register(LearningTopic)
class LearningTopicAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "position"]
    list_select_related = ["programme"]
    list_filter = ["programme"]
    search_fields = ["name"]


@admin.register(LearningNeed)
class LearningNeedAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ["topic", "practice", "round", "confidence", "answered_at"]
    list_select_related = ["topic", "user", "practice"]
    list_filter = ["round", "confidence", "topic__programme"]
    search_fields = ["topic__name", "practice__name"]
