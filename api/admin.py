from django.contrib import admin, messages

from api import services
from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see every token (never its secret, which is not stored) and can revoke one."""

    list_display = ["name", "user", "scope", "created_at", "expires_at", "last_used_at", "status"]
    list_filter = ["scope"]
    search_fields = ["name", "user__email", "prefix"]
    readonly_fields = [
        "user",
        "name",
        "scope",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are made by their person (or create_api_token), shown once

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for api_token in queryset:
            services.token_revoke(api_token=api_token)
        messages.success(request, f"{queryset.count()} token(s) revoked.")
