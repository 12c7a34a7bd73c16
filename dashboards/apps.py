from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        from dashboards import freshness
        from messaging.schedules import ScheduleSpec, register_schedule

        freshness.connect()
        register_schedule(
            ScheduleSpec(
                name="Dashboards: bring programme totals up to date",
                task="dashboards.tasks.programme_totals_refresh",
                description="Counts the practices written to since each programme dashboard's "
                "totals were last brought up to date, so their list of changes stays short.",
                crontab={"minute": 20},
            )
        )
