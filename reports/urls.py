from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/practices/<int:pk>/", views.practice_report, name="practice"),
    path("reports/practices/<int:pk>/pdf/", views.practice_report_pdf, name="practice_pdf"),
    path("reports/programmes/<int:pk>/", views.programme_report, name="programme"),
    path("reports/programmes/<int:pk>/pdf/", views.programme_report_pdf, name="programme_pdf"),
    path("me/qi-activity/", views.qi_activity, name="qi_activity"),
    path("me/qi-activity/pdf/", views.qi_activity_pdf, name="qi_activity_pdf"),
    path("me/qi-activity/reflections/new/", views.reflection_create, name="reflection_create"),
    path(
        "me/qi-activity/reflections/<int:pk>/edit/",
        views.reflection_edit,
        name="reflection_edit",
    ),
]
