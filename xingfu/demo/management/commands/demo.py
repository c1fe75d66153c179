import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from xingfu.demo.loader import demo_logins, demo_villages
from xingfu.registry.demo import demo_registry, registry_summary


class Command(BaseCommand):
    help = "Load the synthetic demo district (villages, one login per role, demo data). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="generator seed (default 2026)")
        parser.add_argument(
            "--persons",
            type=int,
            default=20_000,
            help="registry size (default 20000; 500000 for the whole district)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_villages(seed=options["seed"])
        self.stdout.write(f"villages: {created} created")
        password = os.environ.get("XINGFU_DEMO_PASSWORD") or settings.XINGFU_DEMO_PASSWORD_DEFAULT
        logins = demo_logins(password=password)
        self.stdout.write(registry_summary(demo_registry(seed=options["seed"], persons=options["persons"])))

        from xingfu.outreach.demo import demo_outreach

        outreach = demo_outreach(seed=options["seed"])
        self.stdout.write("outreach: " + ", ".join(f"{n} {what}" for what, n in outreach.items()) + " created")

        from xingfu.oversight.demo import demo_oversight

        oversight = demo_oversight(seed=options["seed"])
        self.stdout.write(
            "oversight: {facilities} facilities, {devices} devices ({flagged} flagged), {inspections} inspections "
            "({done} done), {tipoffs} tip-offs, {cases} cases{state}".format(
                **oversight, state=" created" if oversight["created"] else " (already there)"
            )
        )

        from xingfu.care.demo import care_summary, demo_care

        self.stdout.write(care_summary(demo_care(seed=options["seed"])))

        from xingfu.benefits.demo import benefits_summary, demo_benefits

        self.stdout.write(benefits_summary(demo_benefits(seed=options["seed"])))

        # Analytics last: its indicators and first refresh count what the demos above created.
        from xingfu.analytics.demo import analytics_summary, demo_analytics

        self.stdout.write(analytics_summary(demo_analytics(seed=options["seed"])))

        # The logins last, so they are what a new user sees above the server's first line.
        self.stdout.write("")
        hint = "" if os.environ.get("XINGFU_DEMO_PASSWORD") else ", set XINGFU_DEMO_PASSWORD to change it"
        self.stdout.write(f"Demo logins (password: {password}{hint}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<20} {login.role.label!s:<28} scope {login.scope_code}")
