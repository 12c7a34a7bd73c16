from django.urls import path

from messaging import views

urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
    path("preferences/", views.message_preferences, name="message_preferences"),
]
