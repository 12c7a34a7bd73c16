from django.urls import path

from workshops import views

app_name = "workshops"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path(
        "programmes/<int:programme_pk>/sessions/new/", views.session_create, name="session_create"
    ),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/invite/", views.session_invite, name="session_invite"),
    path("sessions/<int:pk>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("sessions/<int:pk>/answer/", views.invitation_respond, name="invitation_respond"),
    path("sessions/<int:pk>/register/", views.attendance_register, name="attendance_register"),
    path("sessions/<int:pk>/materials/", views.material_upload, name="material_upload"),
    path(
        "sessions/<int:pk>/materials/<int:material_pk>/",
        views.material_download,
        name="material_download",
    ),
    path(
        "sessions/<int:pk>/materials/<int:material_pk>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path("sessions/<int:pk>/feedback/", views.feedback_submit, name="feedback_submit"),
    path(
        "programmes/<int:programme_pk>/attendance/",
        views.series_attendance,
        name="series_attendance",
    ),
    path(
        "programmes/<int:programme_pk>/learning-needs/",
        views.learning_needs,
        name="learning_needs",
    ),
    path(
        "programmes/<int:programme_pk>/learning-needs/topics/",
        views.learning_topic_add,
        name="learning_topic_add",
    ),
    path(
        "programmes/<int:programme_pk>/learning-needs/topics/<int:topic_pk>/remove/",
        views.learning_topic_remove,
        name="learning_topic_remove",
    ),
    path(
        "programmes/<int:programme_pk>/learning-needs/practices/<int:practice_pk>/",
        views.learning_needs_practice,
        name="learning_needs_practice",
    ),
    path(
        "programmes/<int:programme_pk>/learning-needs/<str:round>/",
        views.learning_needs_answer,
        name="learning_needs_answer",
    ),
]
