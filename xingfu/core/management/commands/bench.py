import argparse
import importlib
import json
import pkgutil
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _bench_names() -> list[str]:
    import bench

    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name != "common")


class Command(BaseCommand):
    help = "Run a benchmark from bench/ and print one JSON line: xingfu bench NAME [options]."

    def run_from_argv(self, argv: list[str]) -> None:
        # Each benchmark has its own options, so parse NAME first and hand the rest to that module.
        if len(argv) < 3 or argv[2].startswith("-"):
            names = ", ".join(_bench_names())
            raise SystemExit(f"usage: xingfu bench NAME [options]; benchmarks: {names}")
        self._name = argv[2]
        self._rest = argv[3:]
        super().run_from_argv([argv[0], argv[1]])

    def add_arguments(self, parser: CommandParser) -> None:
        pass

    def handle(self, *args: Any, **options: Any) -> None:
        name = self._name
        if name not in _bench_names():
            raise CommandError(f"no benchmark {name!r}; there are: {', '.join(_bench_names())}")
        module = importlib.import_module(f"bench.{name}")
        parser = argparse.ArgumentParser(prog=f"xingfu bench {name}", description=module.__doc__)
        module.add_arguments(parser)
        bench_options = vars(parser.parse_args(self._rest))
        result = module.run(**bench_options)
        from bench.common import database_vendor, peak_rss_mb

        line = {"bench": name, **result, "peak_rss_mb": peak_rss_mb(), "database": database_vendor()}
        self.stdout.write(json.dumps(line, ensure_ascii=False))
