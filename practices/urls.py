from django.urls import path

from practices import views

urlpatterns = [
    path("", views.home, name="home"),
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/invite/", views.invitation_create, name="invitation_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
