from django.contrib import admin
from django.urls import include, path

from practices.views import PasswordResetConfirmView, PasswordResetView, SignInView
from qiproject.health import healthz

# 400, 403 and 404 use Django's handlers with our templates; the 500 page must not fail in turn.
handler500 = "qiproject.errors.server_error"

admin.site.site_header = "qiproject administration"
admin.site.site_title = "qiproject admin"

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("evidence/", include("evidence.urls")),
    path("audits/", include("audits.urls")),
    path("workshops/", include("workshops.urls")),
    path("pdsa/", include("pdsa.urls")),
    path("messages/", include("messaging.urls")),
    path("follow-up/", include("followup.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("api/v1/", include("api.urls")),
    path("me/api-tokens/", include("api.token_urls")),
    path("", include("reports.urls")),
    path("", include("practices.urls")),
]

handler404 = "api.errors.not_found"
