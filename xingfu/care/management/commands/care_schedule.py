import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xingfu.care.schedule import HORIZON_DAYS, schedule_run
from xingfu.care.standard import care_standard_install


class Command(BaseCommand):
    help = (
        "Bring the care worklists up to date: materialise the visits due within the horizon, mark long-overdue "
        "ones missed, close finished enrolments. Run nightly. --install first creates the national programmes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--install", action="store_true", help="create the national programmes where missing")
        parser.add_argument("--today", help="run as of this date (YYYY-MM-DD); default today")
        parser.add_argument("--horizon", type=int, default=HORIZON_DAYS, help=f"days ahead (default {HORIZON_DAYS})")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["install"]:
            created = care_standard_install()["programmes"]
            self.stdout.write(f"care programmes: {created} created")
        try:
            today = datetime.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as exc:
            raise CommandError("--today takes a date written 2026-11-30") from exc
        if not 7 <= options["horizon"] <= 120:
            raise CommandError("--horizon is between 7 and 120 days")
        counts = schedule_run(today=today, horizon_days=options["horizon"])
        self.stdout.write("care schedule: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
