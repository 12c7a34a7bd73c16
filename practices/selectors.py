"""Reads of practices and teams, in a fixed number of queries."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from practices.models import FacilitatorAssignment, Membership, Practice, Role


def practice_list(*, user):
    """The practices a user can see, with their programme, facilitator and team counts."""
    return (
        Practice.objects.visible_to(user)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "facilitator_assignments",
                queryset=FacilitatorAssignment.objects.filter(ended_on__isnull=True).select_related(
                    "facilitator"
                ),
            )
        )
        .annotate(
            team_size=Count("memberships", filter=~Q(memberships__role=Role.PATIENT_REP)),
            patient_rep_count=Count("memberships", filter=Q(memberships__role=Role.PATIENT_REP)),
        )
        .order_by("name")
    )


def practice_detail(*, user, pk: int) -> Practice:
    """One practice the user can see, with its team and facilitator history loaded."""
    queryset = (
        Practice.objects.visible_to(user)
        .select_related("programme")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by(
                    "role", "user__full_name"
                ),
            ),
            Prefetch(
                "facilitator_assignments",
                queryset=FacilitatorAssignment.objects.select_related("facilitator").order_by(
                    "-started_on"
                ),
            ),
        )
    )
    return get_object_or_404(queryset, pk=pk)
