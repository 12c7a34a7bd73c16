from django.urls import path

from practices import views

urlpatterns = [
    path("", views.home, name="home"),
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/invite/", views.invitation_create, name="invitation_create"),
    path("practices/<int:pk>/visits/", views.visit_list, name="visit_list"),
    path("practices/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("practices/<int:pk>/actions/", views.action_list, name="action_list"),
    path("visits/time/", views.time_summary, name="time_summary"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
