"""Benchmark: build a large programme in a fresh database, then time pages.

    .venv/bin/python bench/run.py [--practices 1000] [--requests 40] [--database-name NAME]
    .venv/bin/python bench/run.py --practices 6500     # the national size (make bench-national)

A fresh PostgreSQL database is created on the server that `DATABASE_URL` names (its host, port
and user; 127.0.0.1 as postgres when unset), called `--database-name` (default `qi_bench`),
and dropped at the end (`--keep` keeps it). If a database of that name already exists the run
stops: the bench only ever drops a database it created itself. If PostgreSQL cannot be
reached, a fresh SQLite file is used instead and the run says so. With `--database-url` the
given database is migrated and filled; it must be empty, and it is left in place.

Pages are timed twice: in-process through Django's test client (no network, no server), then
through gunicorn on a free localhost port, signed in as a real user, with http.client. Beside
them a trivial view of the same app (`/healthz/`) is the floor, so the table shows what each
page costs above the framework, middleware and network, as ratios of p50 (steady even on a
busy machine) and p95.

After the table come the SECTIONS, each a function of the run's `Context` that prints its
own figures: the statistics at 100,000 points, a load run (20 clients for 60 s through
gunicorn with 2 workers) and the demo's PDF report. A new section is a function appended to
SECTIONS.

The data set is built by the functions in BUILDERS, in order. Each takes the shared `World`
and adds rows with bulk_create (COPY for the largest table on PostgreSQL); a new app adds its
own builder. The builders write past the services, so mark_written gives every practice and
the programme new dashboard tokens, as the services' write guard requires; keep_totals then
counts the programme's kept totals, so that the closing VACUUM ANALYZE covers them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import http.client
import io
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "qi_bench"
EMPTY_STATIC_ROOT = Path(tempfile.gettempdir()) / "qi-bench-empty-static"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-password-2026"
BATCH = 2000


# --- database -----------------------------------------------------------------------------


def _admin_connection(server_url: str):
    import psycopg2

    parts = urlsplit(server_url)
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        # The maintenance database: the one DATABASE_URL names may not exist yet.
        dbname="postgres",
        connect_timeout=3,
    )
    connection.autocommit = True
    return connection


def _server_url() -> str:
    """The PostgreSQL server to create the bench database on: DATABASE_URL's, if it names one."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        return configured
    return DEFAULT_SERVER


def fresh_database(args) -> tuple[str, callable, str]:
    """A database URL to fill, a function that removes it afterwards, and a description."""
    if args.database_url:
        return args.database_url, (lambda: None), "the database given with --database-url"
    if args.reuse:
        parts = urlsplit(_server_url())
        url = parts._replace(path=f"/{args.database_name}").geturl()
        return url, (lambda: None), f"PostgreSQL (database {args.database_name}, reused)"
    server = _server_url()
    try:
        admin = _admin_connection(server)
    except Exception as error:  # any failure to reach the server means: fall back
        path = Path(tempfile.mkdtemp(prefix="qi-bench-")) / "bench.sqlite3"
        print(f"PostgreSQL is unreachable ({error.__class__.__name__}); using SQLite at {path}.")
        print("The numbers below are NOT the PostgreSQL figures the goals refer to.\n")

        def drop_file():
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            path.parent.rmdir()

        return f"sqlite:///{path}", drop_file, "SQLite (PostgreSQL unreachable)"
    name = args.database_name
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            admin.close()
            raise SystemExit(
                f"A database called {name} already exists. The bench drops only databases it "
                "creates: choose another --database-name, or drop it yourself."
            )
        cursor.execute(f"CREATE DATABASE {name}")
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    admin.close()

    def drop():
        if args.keep:
            print(f"Kept database {name}.")
            return
        connection = _admin_connection(server)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.close()

    parts = urlsplit(server)
    url = parts._replace(path=f"/{name}").geturl()
    return url, drop, f"PostgreSQL {version} (fresh database {name})"


def setup_django(database_url: str) -> None:
    EMPTY_STATIC_ROOT.mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "qiproject.settings"
    # Production-like: no query logging, no debug pages.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # An empty static root: pages are timed, not static files (and whitenoise stays quiet).
    os.environ.setdefault("STATIC_ROOT", str(EMPTY_STATIC_ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- data set -----------------------------------------------------------------------------


@dataclass
class World:
    """What the builders share: sizes, the random source and the rows made so far."""

    practices_count: int
    rng: random.Random
    today: date
    programme: object = None
    lead: object = None
    facilitators: list = field(default_factory=list)
    practices: list = field(default_factory=list)
    practice_facilitator: dict = field(default_factory=dict)
    team: dict = field(default_factory=dict)  # practice id -> ids of editors (not reps)
    counts: dict = field(default_factory=dict)

    @property
    def facilitators_count(self) -> int:
        # 20 facilitators for 1,000 practices: 50 each, as in the issue.
        return max(2, round(self.practices_count / 50))

    @property
    def visits_count(self) -> int:
        return 20 * self.practices_count


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def _insert(model, objects: list) -> None:
    """Insert model objects whose primary keys nobody needs afterwards (COPY on PostgreSQL).

    Values are prepared by each field, as bulk_create prepares them (defaults, auto_now_add).
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        _bulk(model, objects)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    _copy(
        model,
        [f.name for f in fields],
        [
            tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
            for obj in objects
        ],
    )


def _copy(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert plain rows (values in the order of `fields`) without building model objects.

    PostgreSQL takes them with COPY, ten times faster than INSERT for millions of rows; other
    databases through bulk_create. Only for rows whose fields need no Python-side default.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        names = [model._meta.get_field(name).attname for name in fields]
        _bulk(model, [model(**dict(zip(names, row, strict=True))) for row in rows])
        return
    columns = [model._meta.get_field(name).column for name in fields]
    buffer = io.StringIO("".join("\t".join(map(_copy_text, row)) + "\n" for row in rows))
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer
        )


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float | date | datetime):
        return str(value)
    # A JSON field's value arrives wrapped for the driver.
    text = json.dumps(value.adapted) if hasattr(value, "adapted") else str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def build_people_and_practices(world: World) -> None:
    """One programme, its lead, facilitators, practices, teams and assignment history."""
    from django.contrib.auth.hashers import make_password

    from practices.models import FacilitatorAssignment, Membership, Practice, Programme, Role, User

    # One hash for every bench person: hashing 6,000 passwords would dominate the build.
    password = make_password(PASSWORD)
    world.programme = Programme.objects.create(
        name="Bench programme",
        clinical_topic="Low back pain",
        start_date=world.today - timedelta(days=730),
        final_workshop_date=world.today - timedelta(days=400),
        follow_up_due_date=world.today + timedelta(days=30),
    )
    world.lead = User.objects.create(
        email="lead@bench.test", full_name="Bench Lead", password=password
    )
    world.programme.leads.add(world.lead)
    world.facilitators = _bulk(
        User,
        [
            User(
                email=f"facilitator{n}@bench.test",
                full_name=f"Facilitator {n:02d}",
                password=password,
            )
            for n in range(world.facilitators_count)
        ],
    )
    world.practices = _bulk(
        Practice,
        [
            Practice(
                programme=world.programme,
                name=f"Bench Practice {n:05d}",
                ods_code=f"B{n:05d}",
                list_size=world.rng.randint(2_000, 25_000),
                address=f"{n} Bench Street",
            )
            for n in range(world.practices_count)
        ],
    )
    roles = [Role.GP, Role.GP, Role.NURSE, Role.MANAGER, Role.PHYSIO, Role.PATIENT_REP]
    users, memberships = [], []
    for practice in world.practices:
        for position in range(len(roles)):
            users.append(
                User(
                    email=f"p{practice.pk}.{position}@bench.test",
                    full_name=f"Member {practice.pk}-{position}",
                    password=password,
                )
            )
    users = _bulk(User, users)
    for index, user in enumerate(users):
        practice = world.practices[index // len(roles)]
        role = roles[index % len(roles)]
        memberships.append(
            Membership(
                practice=practice, user=user, role=role, is_practice_lead=index % len(roles) == 0
            )
        )
        if role != Role.PATIENT_REP:
            world.team.setdefault(practice.pk, []).append(user.pk)
    _bulk(Membership, memberships)
    assignments = []
    start = world.programme.start_date
    for number, practice in enumerate(world.practices):
        facilitator = world.facilitators[number % len(world.facilitators)]
        world.practice_facilitator[practice.pk] = facilitator
        if number % 10 == 0:
            # One practice in ten was handed over a year ago: its early visits are by another.
            previous = world.facilitators[(number + 1) % len(world.facilitators)]
            handover = start + timedelta(days=365)
            assignments.append(
                FacilitatorAssignment(
                    practice=practice, facilitator=previous, started_on=start, ended_on=handover
                )
            )
            assignments.append(
                FacilitatorAssignment(
                    practice=practice, facilitator=facilitator, started_on=handover
                )
            )
        else:
            assignments.append(
                FacilitatorAssignment(practice=practice, facilitator=facilitator, started_on=start)
            )
    _bulk(FacilitatorAssignment, assignments)
    world.counts.update(
        {
            "practices": len(world.practices),
            "facilitators": len(world.facilitators),
            "practice members": len(memberships),
            "facilitator assignments": len(assignments),
        }
    )


def build_visits(world: World) -> None:
    """Visits over two years with participants and agreed actions, a third of them open."""
    from django.utils import timezone

    from practices.models import AgreedAction, Visit, VisitMode

    rng = world.rng
    modes = (
        [VisitMode.ON_SITE] * 5 + [VisitMode.PHONE] * 2 + [VisitMode.VIDEO] * 2 + [VisitMode.EMAIL]
    )
    per_practice = world.visits_count // len(world.practices)
    visits = []
    for practice in world.practices:
        for _ in range(per_practice):
            mode = rng.choice(modes)
            visits.append(
                Visit(
                    practice=practice,
                    facilitator=world.practice_facilitator[practice.pk],
                    visited_on=world.today - timedelta(days=rng.randint(0, 729)),
                    mode=mode,
                    duration_minutes=rng.choice([15, 30, 45, 60, 90, 120]),
                    travel_minutes=rng.choice([20, 30, 45, 60]) if mode == VisitMode.ON_SITE else 0,
                    topics="Run chart review; next PDSA cycle",
                    notes="Team agreed to test the triage leaflet for two weeks.",
                    private_notes="Practice manager stretched; check in next month.",
                )
            )
    visits = _bulk(Visit, visits)
    through = Visit.participants.through
    participants, actions = [], []
    now = timezone.now()
    for visit in visits:
        team = world.team[visit.practice_id]
        for user_id in rng.sample(team, 2):
            participants.append(through(visit_id=visit.pk, user_id=user_id))
        for number in range(rng.choice([0, 1, 2, 3])):
            due = visit.visited_on + timedelta(days=rng.randint(7, 60))
            done = rng.random() > 0.33
            actions.append(
                AgreedAction(
                    visit=visit,
                    practice_id=visit.practice_id,
                    owner_id=rng.choice(team),
                    description=f"Action {number + 1} from the visit",
                    due_on=due,
                    done_at=now if done else None,
                    done_by_id=team[0] if done else None,
                )
            )
    _insert(through, participants)
    _insert(AgreedAction, actions)
    world.counts.update(
        {
            "visits": len(visits),
            "visit participants": len(participants),
            "agreed actions": len(actions),
        }
    )


PLANS_PER_PRACTICE = 5  # 5,000 plans for 1,000 practices
CYCLES_PER_PLAN = 10  # 50,000 cycles
MEASURES_PER_PLAN = 3  # 15,000 measures
PERIODS = 36  # months of data per measure: 540,000 data points
MEASURE_NAMES = [
    ("Advice on self-management recorded", "outcome"),
    ("Risk stratification (STarT Back) recorded", "process"),
    ("Imaging requested without red flags", "balancing"),
]


def _month_start(today: date, months_ago: int) -> date:
    index = today.year * 12 + today.month - 1 - months_ago
    return date(index // 12, index % 12 + 1, 1)


def build_improvement_work(world: World) -> None:
    """Plans with a driver and team, ramps of PDSA cycles, and measures with 36 months of data.

    The measures' kept summaries (icons, latest value) are computed here with the same pure
    analysis the services use, since bulk_create bypasses the services.
    """
    from django.utils import timezone

    from pdsa.charts import SeriesPoint, analyse, summarise
    from pdsa.models import DataPoint, Driver, ImprovementPlan, Measure, PDSACycle, Stage

    rng = world.rng
    now = timezone.now()
    plans = _bulk(
        ImprovementPlan,
        [
            ImprovementPlan(
                practice=practice,
                title=f"Back pain plan {n + 1}",
                aim_what="More people with low back pain get self-management advice.",
                status=rng.choice(["planning", "active", "active", "sustaining"]),
                start_date=world.today - timedelta(days=rng.randint(200, 700)),
                progress_score=rng.choice([None, 1.0, 1.5, 2.0, 2.5, 3.0]),
            )
            for practice in world.practices
            for n in range(PLANS_PER_PRACTICE)
        ],
    )
    through = ImprovementPlan.team.through
    _bulk(
        through,
        [
            through(improvementplan_id=plan.pk, user_id=user_id)
            for plan in plans
            for user_id in world.team[plan.practice_id][:2]
        ],
    )
    _bulk(
        Driver,
        [Driver(plan=plan, level="primary", text="Clinicians know the advice") for plan in plans],
    )
    stages = (
        [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT] + [Stage.COMPLETE] * 5 + [Stage.ABANDONED]
    )
    cycles = []
    for plan in plans:
        team = world.team[plan.practice_id]
        for number in range(CYCLES_PER_PLAN):
            stage = rng.choice(stages)
            started = world.today - timedelta(days=rng.randint(20, 700))
            finished = stage == Stage.COMPLETE
            cycles.append(
                PDSACycle(
                    plan=plan,
                    number=number + 1,
                    title=f"Test {number + 1}: triage leaflet",
                    owner_id=team[0],
                    stage=stage,
                    start_date=None if stage == Stage.PLAN else started,
                    end_date=started + timedelta(days=rng.randint(7, 30)) if finished else None,
                    objective="Hand the leaflet to every patient with back pain for two weeks.",
                    decision=rng.choice(["adopt", "adapt", "abandon"]) if finished else "",
                    abandoned_reason="No time this month." if stage == Stage.ABANDONED else "",
                    abandoned_at_stage=Stage.DO if stage == Stage.ABANDONED else "",
                    updated_at=now - timedelta(days=rng.randint(0, 45)),
                )
            )
    _insert(PDSACycle, cycles)
    measures, series = [], []
    for plan in plans:
        for name, kind in MEASURE_NAMES[:MEASURES_PER_PLAN]:
            proportion = kind != "balancing"
            base = rng.uniform(0.2, 0.6)
            shift = rng.choice([0, 0, 0.15, -0.1])
            points = []
            for m in range(PERIODS):
                period = _month_start(world.today, PERIODS - m)
                denominator = rng.randint(30, 120)
                level = min(0.95, max(0.02, base + (shift if m >= 24 else 0)))
                spread = (denominator * level * (1 - level)) ** 0.5
                numerator = round(denominator * level + rng.gauss(0, spread))
                numerator = min(denominator, max(0, numerator))
                if proportion:
                    points.append((period, numerator, denominator, None))
                else:
                    points.append((period, None, None, float(rng.randint(0, 12))))
            measure = Measure(
                plan=plan,
                name=name,
                kind=kind,
                definition="Consultations coded for low back pain.",
                data_type="proportion" if proportion else "count",
                numerator="Consultations with advice" if proportion else "",
                denominator="Consultations for low back pain" if proportion else "",
                improvement="decrease" if kind == "balancing" else "increase",
                target=60.0 if kind == "outcome" else None,
            )
            summary = summarise(
                analyse(
                    [SeriesPoint(p, n / d if d else v, n, d) for p, n, d, v in points],
                    is_proportion=proportion,
                    improvement=measure.improvement,
                    target=measure.target_as_fraction(),
                )
            )
            measure.latest_variation, measure.latest_assurance = (
                summary.variation,
                summary.assurance,
            )
            measure.latest_period, measure.latest_value = (
                summary.latest_period,
                summary.latest_value,
            )
            measure.point_count = summary.point_count
            measure.shows_improvement = summary.shows_improvement
            measure.improvement_sustained = summary.improvement_sustained
            measures.append(measure)
            series.append(points)
    measures = _bulk(Measure, measures)
    count = 0
    fields = ["measure", "period", "numerator", "denominator", "value", "note", "version"]
    for start in range(0, len(measures), 2000):
        rows = [
            (measure.pk, p, n, d, v, "", 1)
            for measure, points in zip(
                measures[start : start + 2000], series[start : start + 2000], strict=True
            )
            for p, n, d, v in points
        ]
        _copy(DataPoint, fields, rows)
        count += len(rows)
    world.counts.update(
        {
            "plans": len(plans),
            "PDSA cycles": len(cycles),
            "measures": len(measures),
            "data points": count,
        }
    )


def build_workshops_and_follow_up(world: World) -> None:
    """Six workshops (four held), attendance, learning needs and the follow-up survey."""
    from datetime import UTC, datetime

    from followup.models import Recipient, Survey
    from practices.models import Membership, Role
    from workshops.models import Attendance, LearningNeed, LearningTopic, WorkshopSession

    rng = world.rng
    first = datetime.combine(world.today, datetime.min.time(), tzinfo=UTC) - timedelta(days=300)
    sessions = _bulk(
        WorkshopSession,
        [
            WorkshopSession(
                programme=world.programme,
                title=f"Workshop {n + 1}",
                starts_at=first + timedelta(days=90 * n),
                ends_at=first + timedelta(days=90 * n, hours=3),
                venue="Education centre",
            )
            for n in range(6)
        ],
    )
    held = sessions[:4]
    members = list(
        Membership.objects.filter(practice__programme=world.programme).values_list(
            "practice_id", "user_id", "role"
        )
    )
    by_practice = {}
    for practice_id, user_id, role in members:
        by_practice.setdefault(practice_id, []).append((user_id, role))
    attendance, needs, recipients = [], [], []
    topics = _bulk(
        LearningTopic,
        [
            LearningTopic(programme=world.programme, name=f"Topic {n + 1}", position=n)
            for n in range(5)
        ],
    )
    survey = Survey.objects.create(programme=world.programme)
    responded_at = first + timedelta(days=299)
    for practice_id, people in by_practice.items():
        for session in held:
            for user_id, role in rng.sample(people, 2):
                attendance.append(
                    Attendance(
                        session=session,
                        user_id=user_id,
                        practice_id=practice_id,
                        role=role,
                        recorded_by=world.lead,
                    )
                )
        for user_id, _role in people[:2]:
            for topic in topics:
                for round_, low in (("before", 1), ("after", 2)):
                    needs.append(
                        LearningNeed(
                            topic=topic,
                            user_id=user_id,
                            practice_id=practice_id,
                            round=round_,
                            confidence=rng.randint(low, 5),
                        )
                    )
        for user_id, role in people:
            if role != Role.PATIENT_REP:
                recipients.append(
                    Recipient(
                        survey=survey,
                        practice_id=practice_id,
                        user_id=user_id,
                        profession=role,
                        invited_on=world.today,
                        submitted_at=responded_at if rng.random() < 0.4 else None,
                    )
                )
    _insert(Attendance, attendance)
    _insert(LearningNeed, needs)
    _insert(Recipient, recipients)
    world.counts.update(
        {
            "workshop attendances": len(attendance),
            "learning-needs answers": len(needs),
            "survey recipients": len(recipients),
        }
    )


def mark_written(world: World) -> None:
    """bulk_create sends no signals: give the built practices and programme new dashboard
    tokens, as the services would, so no cached row outlives the data it was built from."""
    from practices.freshness import practices_changed, programmes_changed

    practices_changed(practice.pk for practice in world.practices)
    programmes_changed([world.programme.pk])


def keep_totals(world: World) -> None:
    """Count the programme's kept totals (dashboards.totals) now, as the first visit to its
    dashboard would, so that the VACUUM ANALYZE after the builders covers their rows too: a
    server with autovacuum on (PostgreSQL's default) analyses them within a minute of that
    visit, and without statistics the planner probes the 6,500 kept rows one by one."""
    from django.utils import timezone

    from dashboards.totals import kept_counts

    kept_counts(world.programme, now=timezone.now())


BUILDERS = [
    build_people_and_practices,
    build_visits,
    build_improvement_work,
    build_workshops_and_follow_up,
    mark_written,
    keep_totals,
]


def build(world: World) -> float:
    from django.db import connection

    started = time.perf_counter()
    for builder in BUILDERS:
        begun = time.perf_counter()
        builder(world)
        print(f"  {builder.__name__}: {time.perf_counter() - begun:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return time.perf_counter() - started


# --- pages --------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    user: object  # None: anonymous
    # Run before every request of this page, untimed: e.g. a write the page must then show.
    prepare: Callable[[], None] | None = None


def practice_pages(world: World) -> list[Page]:
    """The practice list (facilitator and lead), a practice page and its visit log."""
    from practices.models import Visit

    facilitator = world.facilitators[0]
    practice = next(p for p in world.practices if world.practice_facilitator[p.pk] == facilitator)
    visit = Visit.objects.filter(practice=practice).order_by("-visited_on").first()
    per_facilitator = len(world.practices) // len(world.facilitators)
    return [
        Page(f"practice list, facilitator ({per_facilitator})", "/practices/", facilitator),
        Page(f"practice list, lead ({len(world.practices)}, page 1)", "/practices/", world.lead),
        Page(
            f"practice list, lead ({len(world.practices)}, last page)",
            f"/practices/?page={-(-len(world.practices) // 50)}",
            world.lead,
        ),
        Page("practice page", f"/practices/{practice.pk}/", facilitator),
        Page("visit list (practice)", f"/practices/{practice.pk}/visits/", facilitator),
        Page("visit detail", f"/visits/{visit.pk}/", facilitator),
        Page("open actions (practice)", f"/practices/{practice.pk}/actions/", facilitator),
        Page("time summary, facilitator (12 months)", "/visits/time/", facilitator),
        Page("time summary, lead (12 months)", "/visits/time/", world.lead),
    ]


def dashboard_pages(world: World) -> list[Page]:
    """The dashboards, a practice's improvement dashboard, a measure chart and a cycle."""
    from pdsa.models import Measure, PDSACycle

    facilitator = world.facilitators[0]
    practice = next(p for p in world.practices if world.practice_facilitator[p.pk] == facilitator)
    measure = Measure.objects.filter(plan__practice=practice, data_type="proportion").first()
    cycle = PDSACycle.objects.filter(plan__practice=practice, stage="study").first()
    cycle = cycle or PDSACycle.objects.filter(plan__practice=practice).first()
    per_facilitator = len(world.practices) // len(world.facilitators)
    programme = f"/dashboards/programmes/{world.programme.pk}/"
    last_page = -(-len(world.practices) // 25)
    mine = [p.pk for p in world.practices if world.practice_facilitator[p.pk] == facilitator]
    return [
        Page(f"facilitator dashboard ({per_facilitator})", "/dashboards/", facilitator),
        # A write to one practice between requests (its row is rebuilt), and to all of them
        # (every row is rebuilt: the cost of the page with an empty row cache).
        Page(
            "  the same, 1 practice written to",
            "/dashboards/",
            facilitator,
            prepare=lambda: _written_to(mine[:1]),
        ),
        Page(
            f"  the same, all {per_facilitator} written to",
            "/dashboards/",
            facilitator,
            prepare=lambda: _written_to(mine),
        ),
        Page(f"programme dashboard ({len(world.practices)}, page 1)", programme, world.lead),
        Page(
            f"programme dashboard (page {last_page}, by name)",
            f"{programme}?sort=name&page={last_page}",
            world.lead,
        ),
        Page(
            "practice improvement dashboard",
            f"/pdsa/practices/{practice.pk}/dashboard/",
            facilitator,
        ),
        Page(
            f"measure chart ({PERIODS} points)", f"/pdsa/measures/{measure.pk}/chart/", facilitator
        ),
        Page("PDSA cycle page", f"/pdsa/cycles/{cycle.pk}/", facilitator),
    ]


def _written_to(practice_ids: list[int]) -> None:
    """What any write to these practices does to the dashboard's row cache."""
    from practices.freshness import practices_changed

    practices_changed(practice_ids)


PAGE_SETS = [practice_pages, dashboard_pages]
FLOOR = Page("floor: /healthz/ (trivial view)", "/healthz/", None)


def pages(world: World, only: list[str] | None = None) -> list[Page]:
    """The floor first, then every page set's pages (those whose name contains one of `only`)."""
    found = [page for page_set in PAGE_SETS for page in page_set(world)]
    if only:
        found = [page for page in found if any(text in page.name for text in only)]
    return [FLOOR, *found]


def load_world(world: World) -> None:
    """The world of a data set built by an earlier run (kept with --keep), read back."""
    from practices.models import FacilitatorAssignment, Practice, Programme, User

    world.programme = Programme.objects.get(name="Bench programme")
    world.lead = User.objects.get(email="lead@bench.test")
    world.facilitators = list(
        User.objects.filter(
            email__startswith="facilitator", email__endswith="@bench.test"
        ).order_by("pk")
    )
    by_pk = {user.pk: user for user in world.facilitators}
    world.practices = list(Practice.objects.filter(programme=world.programme).order_by("pk"))
    world.practice_facilitator = {
        practice_id: by_pk[facilitator_id]
        for practice_id, facilitator_id in FacilitatorAssignment.objects.filter(
            practice__programme=world.programme, ended_on__isnull=True
        ).values_list("practice_id", "facilitator_id")
    }
    world.practices_count = len(world.practices)


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


WARM_UP = 5


def _measure(page_list: list[Page], requests: int, fetch) -> dict[str, list[float]]:
    """Time the pages in turn (interleaved, so drift hits all pages alike), after warming them.

    Pages with a `prepare` step are timed afterwards, each on its own: their writes would
    otherwise empty other pages' row caches (one per server process) between requests.
    """
    steady = [page for page in page_list if page.prepare is None]
    groups = [steady] + [[page] for page in page_list if page.prepare is not None]
    samples = {page.name: [] for page in page_list}
    for group in groups:
        for page in group:
            for _ in range(WARM_UP):
                if page.prepare:
                    page.prepare()
                status = fetch(page)
                if status != 200:
                    raise RuntimeError(f"{page.path} answered {status}, not 200.")
        for _ in range(requests):
            for page in group:
                if page.prepare:
                    page.prepare()
                started = time.perf_counter()
                fetch(page)
                samples[page.name].append((time.perf_counter() - started) * 1000)
    return samples


def time_in_process(page_list: list[Page], requests: int) -> dict[str, tuple]:
    """p50, p95 (ms) and SQL queries per page through Django's test client."""
    from django.db import connection
    from django.test import Client

    clients = {}
    for page in page_list:
        client = Client()
        if page.user is not None:
            client.force_login(page.user, backend="django.contrib.auth.backends.ModelBackend")
        clients[page.name] = client
    samples = _measure(
        page_list, requests, lambda page: clients[page.name].get(page.path).status_code
    )
    # A separate, shorter pass counts queries and the time spent waiting for the database.
    queries, sql_ms = {}, {}
    for page in page_list:
        counts, waits = [], []
        for _ in range(max(5, requests // 4)):
            executed = []

            def timed(execute, sql, params, many, context, executed=executed):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    executed.append(time.perf_counter() - started)

            if page.prepare:
                page.prepare()
            with connection.execute_wrapper(timed):
                clients[page.name].get(page.path)
            counts.append(len(executed))
            waits.append(sum(executed) * 1000)
        queries[page.name], sql_ms[page.name] = max(counts), statistics.median(waits)
    return {
        name: (*_percentiles(times), queries[name], sql_ms[name]) for name, times in samples.items()
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HttpSession:
    """A signed-in browser stand-in: cookies and CSRF over http.client."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        connection.close()
        return response.status, content

    def sign_in(self, email: str) -> None:
        status, content = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
        body = urlencode(
            {"csrfmiddlewaretoken": token.decode(), "username": email, "password": PASSWORD}
        )
        status, _ = self.request("POST", "/accounts/login/", body)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Signing in as {email} through gunicorn failed ({status}).")


@contextlib.contextmanager
def gunicorn_server(database_url: str, workers: int = 2):
    """A gunicorn (sync workers) serving the app on a free localhost port; yields the port
    and the master's process id."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "0"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "qiproject.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if HttpSession(port).request("GET", "/healthz/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not start.")
            time.sleep(0.2)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _signed_in_sessions(port: int, page_list: list[Page]) -> dict[object, HttpSession]:
    sessions: dict[object, HttpSession] = {}
    for page in page_list:
        key = page.user.pk if page.user is not None else None
        if key not in sessions:
            sessions[key] = HttpSession(port)
            if page.user is not None:
                sessions[key].sign_in(page.user.email)
    return sessions


def time_through_gunicorn(
    page_list: list[Page], requests: int, database_url: str
) -> dict[str, tuple]:
    """p50 and p95 (ms) per page through gunicorn (2 sync workers) on a localhost port."""
    with gunicorn_server(database_url) as (port, _pid):
        sessions = _signed_in_sessions(port, page_list)

        def fetch(page):
            key = page.user.pk if page.user is not None else None
            return sessions[key].request("GET", page.path)[0]

        samples = _measure(page_list, requests, fetch)
        return {name: _percentiles(times) for name, times in samples.items()}


# --- report -------------------------------------------------------------------------------


def report(page_list, in_process, served, floor_name) -> None:
    floor_in = in_process[floor_name][:2]
    floor_http = served[floor_name] if served else None
    header = (
        f"{'page':<42} {'in-process p50':>14} {'p95':>6} {'x p50':>6} {'x p95':>6} {'SQL ms':>6}"
        f" {'gunicorn p50':>12} {'p95':>6} {'x p50':>6} {'x p95':>6} {'SQL':>4}"
    )
    print(header)
    print("-" * len(header))
    for page in page_list:
        p50, p95, queries, sql_ms = in_process[page.name]
        line = (
            f"{page.name:<42} {p50:>11.1f} ms {p95:>6.1f} {p50 / floor_in[0]:>5.1f}x"
            f" {p95 / floor_in[1]:>5.1f}x {sql_ms:>6.1f}"
        )
        if served:
            s50, s95 = served[page.name]
            line += (
                f" {s50:>9.1f} ms {s95:>6.1f} {s50 / floor_http[0]:>5.1f}x"
                f" {s95 / floor_http[1]:>5.1f}x"
            )
        else:
            line += f" {'-':>12} {'-':>6} {'-':>6} {'-':>6}"
        print(f"{line} {queries:>4}")
    print(
        "\nx p50, x p95 = the page's p50 (p95) / the trivial view's p50 (p95): p50 ratios are"
        "\nsteady on a busy machine, p95 ratios mostly measure the noise. SQL ms = median time"
        "\nper request spent waiting for the database (in-process). SQL = queries per request."
    )


# --- sections -----------------------------------------------------------------------------


@dataclass
class Context:
    """What a section may use: the options, the data set, the database and the pages."""

    args: argparse.Namespace
    world: World
    database_url: str
    page_list: list[Page]


def statistics_section(context: Context) -> None:
    """The chart statistics at 100,000 points: each function must stay well under a second."""
    from pdsa import spc

    size = context.args.statistics_points
    rng = random.Random(context.args.seed)
    values = [rng.gauss(50, 10) for _ in range(size)]
    numerators = [rng.randint(0, 100) for _ in range(size)]
    denominators = [100] * size
    charts = {
        "run chart": lambda: spc.run_chart(values),
        "XmR chart": lambda: spc.xmr_chart(values),
        "P chart": lambda: spc.p_chart(numerators, denominators),
        "P' chart (Laney)": lambda: spc.p_chart(numerators, denominators, laney=True),
    }
    print(
        f"\nStatistics at {size:,} points (median of 3 runs, wall clock and this process's CPU"
        " time; the goal is under 1 s each):"
    )
    for name, chart in charts.items():
        spc.crossings_limit.cache_clear()
        wall, cpu = [], []
        for _ in range(3):
            started, started_cpu = time.perf_counter(), time.process_time()
            chart()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        print(
            f"  {name:<20} {statistics.median(wall) * 1000:>6.0f} ms"
            f" (CPU {statistics.median(cpu) * 1000:.0f} ms)"
        )


def _worker_memory(master_pid: int) -> list[int]:
    """Resident memory (MB) of each gunicorn worker, read from /proc (Linux only)."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            sizes.append(round(int(match.group(1)) / 1024))
    return sorted(sizes)


def load_section(context: Context) -> None:
    """Concurrent clients for a while through gunicorn: throughput, errors, p95, memory."""
    args = context.args
    if args.skip_gunicorn or args.load_seconds <= 0:
        return
    # The pages a visitor reads; the write-between-requests variants are left out.
    pages_read = [page for page in context.page_list if page.prepare is None]
    with gunicorn_server(context.database_url) as (port, master):
        warm = _signed_in_sessions(port, pages_read)
        for page in pages_read:
            warm[page.user.pk if page.user is not None else None].request("GET", page.path)
        memory_before = _worker_memory(master)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + args.load_seconds

        def client(number: int) -> None:
            # Each client its own sessions (cookie jars), signed in once above, before the clock.
            sessions = {key: HttpSession(port) for key in warm}
            for key, session in sessions.items():
                session.cookies = dict(warm[key].cookies)
            turn = number
            while time.monotonic() < stop_at:
                page = pages_read[turn % len(pages_read)]
                turn += 1
                started = time.perf_counter()
                try:
                    status = sessions[page.user.pk if page.user else None].request(
                        "GET", page.path
                    )[0]
                except OSError as error:
                    status = error.__class__.__name__
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        errors.append(f"{page.path}: {status}")

        started = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(n,), daemon=True)
            for n in range(args.load_clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        memory_after = _worker_memory(master)
    p50, p95 = _percentiles(latencies) if latencies else (0.0, 0.0)
    print(
        f"\nLoad: {args.load_clients} clients for {args.load_seconds} s through gunicorn"
        f" (2 sync workers), each reading the {len(pages_read)} steady pages in turn:"
    )
    print(
        f"  {len(latencies):,} requests, {len(latencies) / elapsed:.1f} per second,"
        f" {len(errors)} errors; latency p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    print(f"  worker memory (MB) before: {memory_before}, after: {memory_after}")
    for error in errors[:5]:
        print(f"  error: {error}")


def _load() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews timings."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg()) + f" on {os.cpu_count()} cores"


# --- the demo's practice report as a PDF ---------------------------------------------------


def time_demo_report(context: Context | None = None) -> None:
    """Time the demo's largest practice's PDF report (bench/demo_report.py), in a process of
    its own: it needs the demo programme, not this data set."""
    print("\nThe demo's largest practice report as a PDF (goal: under 5 s):")
    subprocess.run([sys.executable, str(ROOT / "bench" / "demo_report.py")], check=False)


SECTIONS = [statistics_section, load_section, time_demo_report]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--practices", type=int, default=1000, help="practices (default 1000)")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--database-url", help="an empty database to fill (kept afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the fresh database")
    parser.add_argument(
        "--database-name",
        default=BENCH_DB,
        help=f"name of the fresh PostgreSQL database (default {BENCH_DB})",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the data set an earlier --keep run left in --database-name (no build)",
    )
    parser.add_argument(
        "--only",
        action="append",
        help="time only the pages whose name contains this (repeatable; the floor always)",
    )
    parser.add_argument(
        "--skip-sections",
        action="store_true",
        help="leave out the statistics, load run and PDF report sections",
    )
    parser.add_argument("--skip-gunicorn", action="store_true", help="in-process timings only")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the data set")
    parser.add_argument(
        "--statistics-points", type=int, default=100_000, help="points for the chart timings"
    )
    parser.add_argument("--load-clients", type=int, default=20, help="clients in the load run")
    parser.add_argument(
        "--load-seconds", type=int, default=60, help="length of the load run (0: none)"
    )
    args = parser.parse_args(argv)
    if args.practices < 2:
        parser.error("--practices must be at least 2")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database_name):
        parser.error("--database-name takes lower-case letters, digits and underscores")

    database_url, drop, described = fresh_database(args)
    try:
        setup_django(database_url)
        from django.db import connections
        from django.utils import timezone

        world = World(
            practices_count=args.practices,
            rng=random.Random(args.seed),
            today=timezone.localdate(),
        )
        if args.reuse:
            load_world(world)
            print(f"Reusing the data set in {described}: {len(world.practices):,} practices")
        else:
            print(f"Building the data set in {described}...")
            seconds = build(world)
            print(
                f"Built in {seconds:.0f} s: "
                + ", ".join(f"{v:,} {k}" for k, v in world.counts.items())
            )
        print(
            f"Machine: {os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}, {described}\n"
        )
        print(f"Load average before timing: {_load()}")
        page_list = pages(world, args.only)
        # The builders' Python objects (hundreds of thousands) stay alive in this process, which
        # a server process would not hold: freeze them out of the garbage collector so that
        # its full collections do not land on random timed requests.
        gc.collect()
        gc.freeze()
        in_process = time_in_process(page_list, args.requests)
        connections.close_all()
        served = None
        if not args.skip_gunicorn:
            served = time_through_gunicorn(page_list, args.requests, database_url)
        report(page_list, in_process, served, page_list[0].name)
        context = Context(args, world, database_url, page_list)
        for section in [] if args.skip_sections else SECTIONS:
            section(context)
            connections.close_all()
        print(f"Load average at the end: {_load()}")
    finally:
        from django.db import connections

        connections.close_all()
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
