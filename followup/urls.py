from django.urls import path

from followup import views

urlpatterns = [
    path("", views.followup_overview, name="followup_overview"),
    path("s/<str:token>/", views.followup_answer, name="followup_answer"),
    path("thanks/", views.followup_thanks, name="followup_thanks"),
    path("practices/<int:pk>/", views.practice_results, name="followup_practice_results"),
    path("programmes/<int:pk>/", views.programme_results, name="followup_programme_results"),
    path(
        "programmes/<int:pk>/results.csv",
        views.programme_results_csv,
        name="followup_programme_csv",
    ),
    path(
        "programmes/<int:pk>/comments.csv",
        views.programme_comments_csv,
        name="followup_programme_comments_csv",
    ),
    path("programmes/<int:pk>/questions/", views.survey_questions, name="followup_questions"),
]
