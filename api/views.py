"""The API's endpoints: read-only lists and details, and the data upsert of a measure.

Each view asks a selector for the rows its person may see and a service for the writes; the
authentication, scope check and rate limit are the REST framework settings' defaults.
"""

from django.db import IntegrityError
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.response import Response

from api import selectors, serializers
from pdsa import services as pdsa_services
from pdsa.services import IMPORT_MAX_ROWS
from practices.access import can_edit_practice
from qiproject.forms import period_value

PROBLEM = serializers.ProblemSerializer
COMMON = {
    401: OpenApiResponse(PROBLEM, description="No token, or a bad, expired or revoked one."),
    404: OpenApiResponse(PROBLEM, description="Nothing here that this token's person may see."),
    429: OpenApiResponse(PROBLEM, description="Too many requests: wait Retry-After seconds."),
}
FILTERS = {
    name: OpenApiParameter(name, int, description=f"Only rows of this {name} (its id).")
    for name in ("practice", "plan", "measure")
} | {
    "period_from": OpenApiParameter(
        "period_from", OpenApiTypes.DATE, description="Only periods on or after this day."
    ),
    "period_to": OpenApiParameter(
        "period_to", OpenApiTypes.DATE, description="Only periods on or before this day."
    ),
}


def _documented(*filters: str, item: str):
    """List and detail schemas, with the filters this list accepts."""

    def decorate(viewset):
        serializer = viewset.serializer_class
        return extend_schema_view(
            list=extend_schema(
                parameters=[FILTERS[name] for name in filters],
                responses={
                    200: serializer(many=True),
                    400: OpenApiResponse(
                        OpenApiTypes.OBJECT, description="A bad filter: each one's messages."
                    ),
                    **COMMON,
                },
                description=f"The {item} the token's person may see, 50 a page.",
            ),
            retrieve=extend_schema(responses={200: serializer, **COMMON}),
        )(viewset)

    return decorate


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and a detail of what a selector lets the person see (elsewhere: 404)."""

    selector = None

    def get_queryset(self):
        filters = serializers.ListFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return type(self).selector(self.request.user, **filters.validated_data)

    def finalize_response(self, request, response, *args, **kwargs):
        # What a token reads is as private as the pages: never kept by a cache.
        patch_cache_control(response, no_store=True, private=True)
        return super().finalize_response(request, response, *args, **kwargs)


@_documented("practice", item="practices")
class PracticeViewSet(ScopedViewSet):
    serializer_class = serializers.PracticeSerializer
    selector = staticmethod(selectors.practices_for)


@_documented("practice", "plan", item="improvement plans")
class PlanViewSet(ScopedViewSet):
    serializer_class = serializers.PlanSerializer
    selector = staticmethod(selectors.plans_for)


@_documented("practice", "plan", "measure", item="measures, each with its latest analysis,")
class MeasureViewSet(ScopedViewSet):
    serializer_class = serializers.MeasureSerializer
    selector = staticmethod(selectors.measures_for)

    @extend_schema(
        request=serializers.DataItemSerializer(many=True, min_length=1, max_length=IMPORT_MAX_ROWS),
        responses={
            200: serializers.DataResultSerializer,
            400: OpenApiResponse(
                serializers.DataErrorsSerializer,
                description="Nothing was saved: each error names its item's index and field.",
            ),
            403: OpenApiResponse(
                PROBLEM, description="A read token, or a person who may not change this measure."
            ),
            409: OpenApiResponse(PROBLEM, description="Another write to this period won a race."),
            **COMMON,
        },
        description=(
            "Save a batch of periods, keyed by period: all or nothing. A period already holding "
            "the same value is unchanged, so sending the same batch twice changes nothing; one "
            'holding a different value is refused unless the item says "replace": true. '
            f"At most {IMPORT_MAX_ROWS:,} items."
        ),
    )
    @action(detail=True, methods=["post"], url_path="data")
    def data(self, request, pk=None):
        measure = self.get_object()
        if not can_edit_practice(request.user, measure.plan.practice):
            raise PermissionDenied("You may see this measure but not change its data.")
        try:
            body = request.data
        except ParseError as error:
            return _errors([(None, {"__all__": [str(error.detail)]})])
        items, errors = serializers.parse_batch(body, measure, IMPORT_MAX_ROWS)
        if any(index is None for index, _ in errors):
            return _errors(errors)
        try:
            result = pdsa_services.data_points_upsert(
                measure=measure,
                items=items,
                user=request.user,
                reason=request.auth.history_reason,
                errors=errors,
            )
        except pdsa_services.BatchError as error:
            return _errors(error.errors)
        except IntegrityError:
            return Response(
                {"detail": "Another write to one of these periods came first: send it again."},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            {
                name: [period_value(day, measure.frequency) for day in days]
                for name, days in vars(result).items()
            }
        )


def _errors(errors) -> Response:
    """400 with one entry per message: the item's index (None: the body) and field (None:
    the item as a whole)."""
    whole = {"__all__", "non_field_errors"}
    return Response(
        {
            "errors": [
                {"index": index, "field": None if field in whole else field, "message": str(text)}
                for index, fields in errors
                for field, messages in fields.items()
                for text in messages
            ]
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


@_documented("practice", "plan", "measure", "period_from", "period_to", item="data points")
class DataPointViewSet(ScopedViewSet):
    serializer_class = serializers.DataPointSerializer
    selector = staticmethod(selectors.data_points_for)


@_documented("practice", "plan", "measure", "period_from", "period_to", item="PDSA cycles")
class CycleViewSet(ScopedViewSet):
    serializer_class = serializers.CycleSerializer
    selector = staticmethod(selectors.cycles_for)


@_documented("practice", "plan", "measure", "period_from", "period_to", item="audit rounds")
class AuditRoundViewSet(ScopedViewSet):
    serializer_class = serializers.AuditRoundSerializer
    selector = staticmethod(selectors.audit_rounds_for)
