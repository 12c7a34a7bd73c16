"""Benchmark: the PDF practice report of the demo's largest practice (goal: under 5 s).

    .venv/bin/python bench/demo_report.py [--repeats 3]

Loads the demo (`seed_demo`) into a fresh SQLite file, picks the practice with the most
improvement work (data points, cycles and audit cases; list size breaks a tie), and renders
its practice report as a PDF through the test client, as the lead. Prints the wall and CPU
time of each render. Kept apart from run.py (whose data set is synthetic, with no demo): run.py
calls it in a subprocess at its end.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL_SECONDS = 5.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="renders timed (default 3)")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="qi-bench-demo-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'demo.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "qiproject.settings"
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from io import StringIO

    from django.core.management import call_command
    from django.db.models import Count, F
    from django.test import Client
    from django.urls import reverse

    from practices.models import Practice, User

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=StringIO())
    practice = (
        Practice.objects.annotate(
            points=Count("improvement_plans__measures__data_points", distinct=True),
            cycles=Count("improvement_plans__cycles", distinct=True),
            cases=Count("audit_rounds__cases", distinct=True),
        )
        .annotate(work=F("points") + F("cycles") + F("cases"))
        .order_by("-work", "-list_size")
        .first()
    )
    client = Client()
    client.force_login(User.objects.get(email="lead@demo.test"))
    url = reverse("reports:practice_pdf", args=[practice.pk])
    print(
        f"Demo practice report PDF: {practice.name} ({practice.points} data points, "
        f"{practice.cycles} cycles, {practice.cases} audit cases)"
    )
    walls = []
    for attempt in range(args.repeats + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 200, response.status_code
        if attempt == 0:
            print(f"  first render (fonts and templates loading): {wall:.2f} s wall")
            continue
        walls.append(wall)
        print(
            f"  render {attempt}: {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"{len(response.content):,} bytes"
        )
    worst = max(walls)
    verdict = "within" if worst < GOAL_SECONDS else "OVER"
    print(f"  slowest {worst:.2f} s: {verdict} the {GOAL_SECONDS:.0f} s goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
