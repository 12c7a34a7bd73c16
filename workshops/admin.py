from django.contrib import admin

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
    list_filter = ["programme"]
    search_fields = ["title", "venue", "agenda"]
    filter_horizontal = ["facilitators", "evidence"]
    date_hierarchy = "starts_at"


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["title", "original_name", "session__title"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "practice", "role", "response", "sent_at"]
    list_filter = ["response", "role", "session__programme"]
    search_fields = ["user__email", "user__full_name", "session__title"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "practice", "role", "recorded_by"]
    list_filter = ["role", "session__programme"]
    search_fields = ["user__email", "user__full_name", "session__title"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["session", "usefulness", "confidence", "submitted_at"]
    list_filter = ["usefulness", "confidence"]
    search_fields = ["session__title", "comments"]


@admin.register(LearningTopic)
class LearningTopicAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "position"]
    list_filter = ["programme"]
    search_fields = ["name"]


@admin.register(LearningNeed)
class LearningNeedAdmin(admin.ModelAdmin):
    list_display = ["topic", "practice", "round", "confidence", "answered_at"]
    list_filter = ["round", "confidence", "topic__programme"]
    search_fields = ["topic__name", "practice__name"]
