"""/api/v1/: the resources, the OpenAPI schema and its docs (Swagger UI from our static files)."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from api import views

app_name = "api"


def _read(viewset, plural: str, noun: str):
    return [
        path(f"{plural}/", viewset.as_view({"get": "list"}), name=f"{noun}_list"),
        path(f"{plural}/<int:pk>/", viewset.as_view({"get": "retrieve"}), name=f"{noun}_detail"),
    ]


urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
    *_read(views.PracticeViewSet, "practices", "practice"),
    *_read(views.PlanViewSet, "plans", "plan"),
    *_read(views.MeasureViewSet, "measures", "measure"),
    path(
        "measures/<int:pk>/data/",
        views.MeasureViewSet.as_view({"post": "data"}),
        name="measure_data",
    ),
    *_read(views.DataPointViewSet, "data-points", "data_point"),
    *_read(views.CycleViewSet, "cycles", "cycle"),
    *_read(views.AuditRoundViewSet, "audit-rounds", "audit_round"),
]
