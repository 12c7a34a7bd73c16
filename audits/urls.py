from django.urls import path

from audits import views

app_name = "audits"

urlpatterns = [
    path("", views.audit_list, name="list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("practices/<int:practice_pk>/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/cases/", views.round_cases, name="round_cases"),
    path("rounds/<int:pk>/import/", views.round_import, name="round_import"),
    path("rounds/<int:pk>/complete/", views.round_complete, name="round_complete"),
    path("measures/<int:measure_pk>/link/", views.measure_link, name="measure_link"),
    path(
        "programmes/<int:pk>/templates/<int:template_pk>/funnel/",
        views.funnel,
        name="funnel",
    ),
]
