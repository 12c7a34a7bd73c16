"""The fictional back-pain demo programme: nine practices, teams, facilitators and visits.

Everything here is invented: names, ODS codes (the Z99 range is not used by real practices)
and addresses. Seeding is idempotent: rows are found by their natural keys and left alone
when they exist, so a second run changes nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from practices import services
from practices.models import (
    FacilitatorAssignment,
    Membership,
    Practice,
    Programme,
    Role,
    Visit,
)
from qiproject.dates import add_months, month_start

User = get_user_model()

DEMO_PASSWORD = "qi-demo-2026"
PROGRAMME_NAME = "Back pain in primary care"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    description: str


LOGINS = [
    DemoLogin("lead@demo.test", "Helen Marsh", "programme lead"),
    DemoLogin("facilitator@demo.test", "Owen Pritchard", "facilitator of practices 1-5"),
    DemoLogin("facilitator2@demo.test", "Priya Nair", "facilitator of practices 6-9"),
    DemoLogin("gp1@demo.test", "Dr Sarah Whitfield", "GP and practice lead, practice 1"),
    DemoLogin("gp2@demo.test", "Dr James Okafor", "GP, practice 2"),
    DemoLogin("patientrep1@demo.test", "Margaret Ellis", "patient representative, practice 1"),
    DemoLogin("admin@demo.test", "Alex Admin", "staff: admin site and evidence curation"),
]

PRACTICES = [
    ("Harbourside Medical Centre", "Z99001", "12 Quay Road, Poole", 11200),
    ("Castle Lane Surgery", "Z99002", "4 Castle Lane, Bournemouth", 8400),
    ("Westbury Road Practice", "Z99003", "88 Westbury Road, Trowbridge", 6900),
    ("Kingfisher Health Centre", "Z99004", "1 Riverside Walk, Christchurch", 14300),
    ("Old School Surgery", "Z99005", "The Old School, Wimborne", 5200),
    ("Avon Valley Practice", "Z99006", "23 Market Place, Salisbury", 9800),
    ("Downland Medical Group", "Z99007", "Downland House, Devizes", 17600),
    ("Chalkpit Lane Surgery", "Z99008", "7 Chalkpit Lane, Warminster", 4700),
    ("St Aldhelm's Health Centre", "Z99009", "2 Abbey Close, Malmesbury", 7600),
]

FIRST_NAMES = [
    "Amelia",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Farid",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kavya",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Patrick",
    "Rosa",
    "Samuel",
    "Tara",
    "Umar",
    "Violet",
    "William",
    "Yasmin",
    "Zac",
]
SURNAMES = [
    "Ashworth",
    "Bennett",
    "Carver",
    "Dunmore",
    "Ebdon",
    "Fairweather",
    "Gillingham",
    "Hatherley",
    "Ingram",
    "Jessop",
    "Kettering",
    "Lockyer",
    "Merriman",
    "Norcombe",
    "Orchard",
    "Pennington",
    "Quarrie",
    "Rendell",
    "Sturminster",
    "Tolpuddle",
    "Upwey",
    "Verwood",
    "Winterborne",
    "Yeatman",
]

# Every role is represented; larger practices have more clinicians.
BASE_TEAM = [
    (Role.GP, True),
    (Role.GP, False),
    (Role.NURSE, False),
    (Role.MANAGER, False),
    (Role.RECEPTION, False),
    (Role.PHYSIO, False),
    (Role.PHARMACIST, False),
    (Role.OTHER_CLINICIAN, False),
    (Role.PATIENT_REP, False),
    (Role.PATIENT_REP, False),
]
EXTRA_ROLES = [Role.GP, Role.NURSE]


def _person(email: str, full_name: str, *, password: str | None = None, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = services.user_create(email=email, full_name=full_name, password=password, **extra)
    return user


def _add_to_team(practice, user, role, is_lead) -> None:
    if not Membership.objects.filter(practice=practice, user=user).exists():
        # The demo teams were there from the start: they take part in the follow-up survey.
        services.membership_add(
            practice=practice,
            user=user,
            role=role,
            is_practice_lead=is_lead,
            joined_on=practice.programme.start_date,
        )


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _month_before(day: date, months: int) -> date:
    return month_start(add_months(day, -months))


@transaction.atomic
def seed_people(today: date | None = None) -> Programme:
    """Create the programme, its nine practices, teams, facilitators and lead."""
    today = today or timezone.localdate()
    programme = Programme.objects.filter(name=PROGRAMME_NAME).first()
    if programme is None:
        final_workshop = _one_year_before(today)
        programme = services.programme_create(
            name=PROGRAMME_NAME,
            clinical_topic="Low back pain",
            description=(
                "Nine practices learn the evidence on low back pain, test changes in PDSA "
                "cycles with an improvement facilitator and check a year on that they lasted."
            ),
            start_date=_month_before(final_workshop, 6),
            final_workshop_date=final_workshop,
            follow_up_due_date=today,
        )
    logins = {
        login.email: _person(login.email, login.full_name, password=DEMO_PASSWORD)
        for login in LOGINS
    }
    admin = logins["admin@demo.test"]
    if not admin.is_staff:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    programme.leads.add(logins["lead@demo.test"])

    name_index = 0
    for number, (name, ods, address, list_size) in enumerate(PRACTICES, start=1):
        practice = Practice.objects.filter(ods_code=ods).first()
        if practice is None:
            practice = services.practice_create(
                programme=programme, name=name, ods_code=ods, address=address, list_size=list_size
            )
        roles = BASE_TEAM + [(role, False) for role in EXTRA_ROLES[: number % 3]]
        for position, (role, is_lead) in enumerate(roles):
            email, full_name = None, None
            if number == 1 and position == 0:
                email = "gp1@demo.test"
            elif number == 1 and role == Role.PATIENT_REP and position == 8:
                email = "patientrep1@demo.test"
            elif number == 2 and position == 1:
                email = "gp2@demo.test"
            if email:
                user = logins[email]
            else:
                first = FIRST_NAMES[name_index % len(FIRST_NAMES)]
                last = SURNAMES[(name_index * 7 + number) % len(SURNAMES)]
                name_index += 1
                full_name = f"{'Dr ' if role == Role.GP else ''}{first} {last}"
                user = _person(
                    f"{first.lower()}.{last.lower()}@p{number}.demo.test".replace("'", ""),
                    full_name,
                )
            _add_to_team(practice, user, role, is_lead)
        facilitator = logins["facilitator@demo.test" if number <= 5 else "facilitator2@demo.test"]
        if not FacilitatorAssignment.objects.filter(practice=practice).exists():
            services.facilitator_assign(
                practice=practice, facilitator=facilitator, on=programme.start_date
            )
    return programme


# (practice number, days ago, mode, minutes, travel, topics, actions: (description, days until due))
DEMO_VISITS = [
    (
        1,
        70,
        "on_site",
        90,
        40,
        "Kick-off: aims and the back pain measures",
        [("Agree the aim", 14)],
    ),
    (1, 35, "video", 45, 0, "Baseline run chart review", [("Share the STarT Back leaflet", 10)]),
    (1, 6, "on_site", 60, 40, "First PDSA cycle debrief", [("Audit 20 consultations", 21)]),
    (2, 40, "on_site", 75, 25, "Kick-off: aims and measures", [("Name a data lead", 14)]),
    (2, 12, "phone", 20, 0, "Data collection questions", []),
    (6, 30, "on_site", 60, 55, "Kick-off: aims and measures", [("Book a team huddle", 7)]),
]

# Planned visits in the coming week: (practice number, days ahead, mode, topics).
DEMO_PLANNED_VISITS = [
    (1, 3, "on_site", "Second PDSA cycle: plan the audit"),
    (2, 5, "video", "Run chart check-in"),
]


@transaction.atomic
def seed_visits(programme: Programme, today: date | None = None) -> None:
    """Fictional visits with actions, and two planned ones (found again by practice and topics)."""
    today = today or timezone.localdate()
    practices = list(programme.practices.order_by("ods_code"))
    for number, days_ago, mode, minutes, travel, topics, actions in DEMO_VISITS:
        practice = practices[number - 1]
        visited_on = today - timedelta(days=days_ago)
        if Visit.objects.filter(practice=practice, topics=topics).exists():
            continue
        facilitator = practice.facilitator_assignments.get(ended_on__isnull=True).facilitator
        team = list(
            Membership.objects.filter(practice=practice)
            .exclude(role=Role.PATIENT_REP)
            .select_related("user")
            .order_by("-is_practice_lead", "pk")
        )
        services.visit_record(
            practice=practice,
            facilitator=facilitator,
            visited_on=visited_on,
            mode=mode,
            duration_minutes=minutes,
            travel_minutes=travel,
            participants=[m.user for m in team[:2]],
            topics=topics,
            notes="Fictional demo notes shared with the practice team.",
            private_notes="Fictional private note: only the facilitator and lead see this.",
            actions=[
                services.ActionInput(
                    owner=team[0].user,
                    description=description,
                    due_on=visited_on + timedelta(days=due),
                )
                for description, due in actions
            ],
        )
    for number, days_ahead, mode, topics in DEMO_PLANNED_VISITS:
        practice = practices[number - 1]
        if Visit.objects.filter(practice=practice, topics=topics).exists():
            continue
        services.visit_record(
            practice=practice,
            facilitator=practice.facilitator_assignments.get(ended_on__isnull=True).facilitator,
            visited_on=today + timedelta(days=days_ahead),
            mode=mode,
            topics=topics,
        )
