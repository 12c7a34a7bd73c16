from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.evidence_list, name="list"),
    path("new/", views.evidence_create, name="create"),
    path("<int:pk>/", views.evidence_detail, name="detail"),
    path("<int:pk>/edit/", views.evidence_edit, name="edit"),
    path("<int:pk>/publish/", views.evidence_publish, name="publish"),
    path("<int:pk>/retire/", views.evidence_retire, name="retire"),
    path("<int:pk>/history/", views.evidence_history, name="history"),
]
