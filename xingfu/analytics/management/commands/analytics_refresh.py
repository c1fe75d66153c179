from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xingfu.analytics.services.refresh import current_batch, is_stale, refresh_run


class Command(BaseCommand):
    help = (
        "Recompute every active indicator for every org unit and period (docs/analytics.md). The new values "
        "replace the old ones only once complete; on failure the old ones stay. With --if-changed, only when "
        "the data changed since the last refresh (for cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-changed", action="store_true", help="do nothing if the data has not changed")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_changed"] and not is_stale(current_batch()):
            self.stdout.write("analytics: data unchanged since the last refresh; nothing to do")
            return
        try:
            batch = refresh_run(reason="command")
        except Exception as exc:
            raise CommandError(f"analytics refresh failed, the previous values stay: {exc}") from exc
        skipped = {code: why for code, why in batch.indicators.items() if why != "ok"}
        computed = len(batch.indicators) - len(skipped)
        self.stdout.write(f"analytics: {computed} indicators, {batch.rows} rows in {batch.seconds} s")
        for code, why in skipped.items():
            self.stdout.write(f"  not computed: {code}: {why}")
