from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.safestring import mark_safe

from practices.models import (
    AgreedAction,
    FacilitatorAssignment,
    Invitation,
    Membership,
    Practice,
    Programme,
    User,
    Visit,
)
from qiproject.admin_lists import LargeTableAdmin


class PasswordChangeForm(AdminPasswordChangeForm):
    # Django writes this help text as HTML in a plain string; help text is escaped unless
    # marked safe (qiproject.form_rendering), and this text is Django's, not anyone's input.
    usable_password_help_text = mark_safe(AdminPasswordChangeForm.usable_password_help_text)  # noqa: S308


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    change_password_form = PasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal", {"fields": ["full_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class FacilitatorAssignmentInline(admin.TabularInline):
    model = FacilitatorAssignment
    extra = 0
    autocomplete_fields = ["facilitator"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "clinical_topic",
        "start_date",
        "final_workshop_date",
        "follow_up_due_date",
        "stale_cycle_days",
    ]
    list_filter = ["clinical_topic"]
    search_fields = ["name", "clinical_topic"]
    filter_horizontal = ["leads"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "ods_code", "programme", "list_size"]
    list_select_related = ["programme"]
    list_filter = ["programme"]
    search_fields = ["name", "ods_code"]
    inlines = [MembershipInline, FacilitatorAssignmentInline]


@admin.register(Membership)
class MembershipAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ["user", "practice", "role", "is_practice_lead"]
    list_select_related = ["user", "practice"]
    list_filter = ["role", "is_practice_lead", "practice__programme"]
    search_fields = ["user__email", "user__full_name", "practice__name"]
    autocomplete_fields = ["user", "practice"]


@admin.register(FacilitatorAssignment)
class FacilitatorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["practice", "facilitator", "started_on", "ended_on"]
    list_select_related = ["practice", "facilitator"]
    list_filter = ["ended_on", "practice__programme"]
    search_fields = ["practice__name", "facilitator__email", "facilitator__full_name"]
    autocomplete_fields = ["practice", "facilitator"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "practice",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    ]
    list_select_related = ["practice", "invited_by"]
    list_filter = ["role", "accepted_at"]
    search_fields = ["email", "full_name", "practice__name"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_user"]


class AgreedActionInline(admin.TabularInline):
    model = AgreedAction
    extra = 0
    autocomplete_fields = ["owner", "done_by"]


@admin.register(Visit)
class VisitAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = [
        "visited_on",
        "practice",
        "facilitator",
        "mode",
        "duration_minutes",
        "travel_minutes",
    ]
    list_select_related = ["practice", "facilitator"]
    list_filter = ["mode", "visited_on", "practice__programme"]
    search_fields = ["practice__name", "practice__ods_code", "facilitator__full_name", "topics"]
    autocomplete_fields = ["practice", "facilitator", "participants"]
    readonly_fields = ["created_at", "updated_at", "version"]
    date_hierarchy = "visited_on"
    inlines = [AgreedActionInline]


@admin.register(AgreedAction)
class AgreedActionAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ["description", "practice", "owner", "due_on", "done_at", "done_by"]
    list_select_related = ["practice", "owner", "done_by"]
    list_filter = ["due_on", "done_at", "practice__programme"]
    search_fields = ["description", "owner__full_name", "practice__name"]
    readonly_fields = ["practice"]
    autocomplete_fields = ["visit", "owner", "done_by"]
