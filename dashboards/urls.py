from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.facilitator_dashboard, name="facilitator"),
    path("programmes/<int:pk>/", views.programme_dashboard, name="programme"),
    path("programmes/<int:pk>/export.zip", views.programme_export, name="export"),
]
