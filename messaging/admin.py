from django.contrib import admin, messages

from messaging import services
from messaging.models import Message, Preference, Status
from qiproject.admin_lists import LargeTableAdmin


@admin.register(Message)
class MessageAdmin(LargeTableAdmin, admin.ModelAdmin):
    list_display = ["subject", "to_email", "kind", "period", "status", "attempts", "created_at"]
    list_filter = ["status", "kind", "category"]
    search_fields = ["to_email", "subject", "subject_key", "message_id"]
    readonly_fields = [
        field.name for field in Message._meta.get_fields() if getattr(field, "concrete", False)
    ]
    actions = ["resend"]
    date_hierarchy = "created_at"

    @admin.action(description="Resend the selected failed messages")
    def resend(self, request, queryset):
        count = services.message_resend(
            message_ids=queryset.filter(status=Status.FAILED).values_list("pk", flat=True)
        )
        self.message_user(request, f"{count} failed message(s) queued again.", messages.SUCCESS)

    def has_add_permission(self, request):
        # Messages are claimed by services only, so the key and Message-ID stay consistent.
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digests", "reminders"]
    list_select_related = ["user"]
    list_filter = ["digests", "reminders"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]
