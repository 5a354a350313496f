"""``manage.py dashboard_rollups``: rebuild the dashboard's monthly roll-ups now (the beat
job does it nightly; run it after loading data or upgrading, so the dashboard does not
count months live until the first night)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from registry.services.dashboard_rollups import dashboard_rollups_refresh


class Command(BaseCommand):
    help = "Rebuild the supervisors' dashboard's monthly roll-ups of the assignments."

    def handle(self, *args, **options) -> None:
        result = dashboard_rollups_refresh()
        self.stdout.write(
            f"Roll-ups hold the months up to {result['through'][:7]}: "
            f"{result['rows']} rows in {result['seconds']} s."
        )
