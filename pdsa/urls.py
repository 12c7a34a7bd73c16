from django.urls import path

from pdsa import views

app_name = "pdsa"

urlpatterns = [
    path("practices/<int:pk>/dashboard/", views.practice_dashboard, name="practice_dashboard"),
    path("practices/<int:practice_pk>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/score/", views.plan_score, name="plan_score"),
    path("plans/<int:pk>/drivers/", views.plan_drivers, name="plan_drivers"),
    path("drivers/<int:pk>/delete/", views.driver_delete, name="driver_delete"),
    path("ideas/<int:pk>/delete/", views.change_idea_delete, name="change_idea_delete"),
    path("plans/<int:plan_pk>/measures/new/", views.measure_create, name="measure_create"),
    path("plans/<int:plan_pk>/adopt/<int:library_pk>/", views.measure_adopt, name="measure_adopt"),
    path("plans/<int:plan_pk>/cycles/new/", views.cycle_create, name="cycle_create"),
    path("measures/<int:pk>/chart/", views.measure_chart, name="measure_chart"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/data/", views.measure_data, name="measure_data"),
    path("measures/<int:pk>/import/", views.measure_import, name="measure_import"),
    path("measures/<int:pk>/export.csv", views.measure_export, name="measure_export"),
    path("measures/<int:pk>/rebase/", views.measure_rebase, name="measure_rebase"),
    path("data/<int:pk>/edit/", views.data_point_edit, name="data_point_edit"),
    path("data/<int:pk>/delete/", views.data_point_delete, name="data_point_delete"),
    path("library/", views.library_list, name="library_list"),
    path("library/new/", views.library_edit, name="library_create"),
    path("library/<int:pk>/edit/", views.library_edit, name="library_edit"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/print/", views.cycle_print, name="cycle_print"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/advance/", views.cycle_advance, name="cycle_advance"),
    path("cycles/<int:pk>/abandon/", views.cycle_abandon, name="cycle_abandon"),
    path("cycles/<int:pk>/next/", views.cycle_next, name="cycle_next"),
    path("cycles/<int:pk>/questions/", views.cycle_question_add, name="cycle_question_add"),
    path("questions/<int:pk>/delete/", views.cycle_question_delete, name="cycle_question_delete"),
    path("cycles/<int:pk>/tasks/", views.cycle_task_add, name="cycle_task_add"),
    path("cycles/<int:pk>/comments/", views.cycle_comment, name="cycle_comment"),
]
