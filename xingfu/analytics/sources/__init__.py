"""The registered sources an indicator may count over, by code. Adding an indicator over existing data is
data only; over new data, one source here (``QuerySetSource`` for one row per record, ``SqlSource`` else)."""

from xingfu.analytics.sources import benefits, care, outreach, registry
from xingfu.analytics.sources.base import Field, Filter, Measure, Source, SourceExpr, parse_expression

SOURCES: dict[str, Source] = {
    s.code: s for s in [*registry.SOURCES, *care.SOURCES, *benefits.SOURCES, *outreach.SOURCES]
}


def get_source(code: str) -> Source | None:
    return SOURCES.get(code)


__all__ = ["SOURCES", "Field", "Filter", "Measure", "Source", "SourceExpr", "get_source", "parse_expression"]
