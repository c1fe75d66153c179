"""Condition trees: eligibility as data, checked when saved, compiled to one Django ``Q`` over the facts.

A tree is a JSON object, one of::

    {"all": [node, ...]}      every child holds ({"all": []} holds for everyone)
    {"any": [node, ...]}      at least one child holds
    {"not": node}             the child does not hold
    {"fact": "family_type", "operator": "in", "value": ["only_daughter"]}

The same compiled leaves serve the whole population (a filter) and one person's explanation (each leaf
evaluated by the database as a boolean), so the two cannot disagree. A leaf on a fact that is unknown for a
unit (``nullable`` facts, e.g. the residence of someone in no household) does not hold, and neither does its
``ne``/``not_in``: the SQL is written so that it never yields NULL.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Q, Value, When
from django.utils.translation import gettext as _

from xingfu.benefits.eligibility.facts import FACTS, Fact, FactType, fact_for
from xingfu.core.errors import ValidationFailed
from xingfu.core.masking import MASK

OPERATORS: dict[str, str] = {
    "eq": "=",
    "ne": "≠",
    "lt": "<",
    "lte": "≤",
    "gt": ">",
    "gte": "≥",
    "in": "∈",
    "not_in": "∉",
}
OPERATORS_BY_TYPE = {
    FactType.INTEGER: set(OPERATORS),
    FactType.CHOICE: {"eq", "ne", "in", "not_in"},
    FactType.BOOLEAN: {"eq", "ne"},
    FactType.DATE: {"eq", "ne", "lt", "lte", "gt", "gte"},
}
_LOOKUP = {"eq": "exact", "ne": "exact", "lt": "lt", "lte": "lte", "gt": "gt", "gte": "gte", "in": "in", "not_in": "in"}

MAX_DEPTH = 6
MAX_LEAVES = 40
MAX_CHILDREN = 20
MAX_LIST = 30
INT_LIMIT = 1_000_000


def _fail(message: str, path: str) -> ValidationFailed:
    return ValidationFailed(message, field="conditions", details={"path": path or "(root)"})


def _check_scalar(fact: Fact, value: Any, path: str) -> Any:
    if fact.type is FactType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > INT_LIMIT:
            raise _fail(_("%(fact)s takes a whole number.") % {"fact": fact.name}, path)
        return value
    if fact.type is FactType.BOOLEAN:
        if not isinstance(value, bool):
            raise _fail(_("%(fact)s takes true or false.") % {"fact": fact.name}, path)
        return value
    if fact.type is FactType.DATE:
        if isinstance(value, str) and len(value) <= 10:
            try:
                return datetime.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        raise _fail(_("%(fact)s takes a date written YYYY-MM-DD.") % {"fact": fact.name}, path)
    if not isinstance(value, str) or value not in fact.choice_values:
        raise _fail(
            _("%(fact)s is one of: %(choices)s.") % {"fact": fact.name, "choices": ", ".join(fact.choice_values)},
            path,
        )
    return value


def _clean_leaf(node: dict[str, Any], unit: str, path: str) -> dict[str, Any]:
    if set(node) != {"fact", "operator", "value"}:
        raise _fail(_("A condition has exactly the keys fact, operator and value."), path)
    name = node["fact"]
    fact = fact_for(unit, name) if isinstance(name, str) else None
    if fact is None:
        known = ", ".join(sorted(FACTS.get(unit, {})))
        raise _fail(
            _("Unknown fact %(fact)r for a %(unit)s; known facts: %(known)s.")
            % {"fact": str(name)[:40], "unit": unit, "known": known},
            path,
        )
    operator = node["operator"]
    if not isinstance(operator, str) or operator not in OPERATORS_BY_TYPE[fact.type]:
        allowed = ", ".join(sorted(OPERATORS_BY_TYPE[fact.type]))
        raise _fail(
            _("The operator for %(fact)s is one of: %(allowed)s.") % {"fact": fact.name, "allowed": allowed}, path
        )
    value = node["value"]
    if operator in ("in", "not_in"):
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_LIST:
            raise _fail(
                _("%(operator)s takes a list of 1 to %(n)d values.") % {"operator": operator, "n": MAX_LIST}, path
            )
        value = [_check_scalar(fact, v, path) for v in value]
    else:
        value = _check_scalar(fact, value, path)
    return {"fact": fact.name, "operator": operator, "value": value}


def validate_conditions(tree: Any, *, unit: str) -> dict[str, Any]:
    """The tree, checked and normalised (dates as ISO strings); ValidationFailed naming the bad node's path."""
    if unit not in FACTS:
        raise ValidationFailed(_("Unknown unit %(unit)r.") % {"unit": str(unit)[:20]}, field="unit")
    count = [0]

    def clean(node: Any, path: str, depth: int) -> dict[str, Any]:
        if depth > MAX_DEPTH:
            raise _fail(_("Conditions nest at most %(n)d levels deep.") % {"n": MAX_DEPTH}, path)
        if not isinstance(node, dict):
            raise _fail(_("Each node is an object: all, any, not, or a condition on a fact."), path)
        if "fact" in node or "operator" in node or "value" in node:
            count[0] += 1
            if count[0] > MAX_LEAVES:
                raise _fail(_("A rule has at most %(n)d conditions.") % {"n": MAX_LEAVES}, path)
            return _clean_leaf(node, unit, path)
        if len(node) != 1:
            raise _fail(_("A node has exactly one key: all, any or not."), path)
        key, children = next(iter(node.items()))
        if key == "not":
            return {"not": clean(children, f"{path}.not" if path else "not", depth + 1)}
        if key not in ("all", "any"):
            raise _fail(
                _("Unknown node %(key)r: use all, any, not or a condition on a fact.") % {"key": key[:20]}, path
            )
        if not isinstance(children, list) or len(children) > MAX_CHILDREN:
            raise _fail(_("%(key)s takes a list of at most %(n)d nodes.") % {"key": key, "n": MAX_CHILDREN}, path)
        if key == "any" and not children:
            raise _fail(_("any needs at least one node."), path)
        prefix = f"{path}.{key}" if path else key
        return {key: [clean(child, f"{prefix}[{i}]", depth + 1) for i, child in enumerate(children)]}

    return clean(tree, "", 1)


# --- compiling --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """One condition of a tree, numbered in the order it appears (``key`` names its SQL annotation)."""

    index: int
    fact: Fact
    operator: str
    value: Any

    @property
    def key(self) -> str:
        return f"cond_{self.index}"

    @property
    def python_value(self) -> Any:
        if self.fact.type is FactType.DATE:
            if isinstance(self.value, list):
                return [datetime.date.fromisoformat(v) for v in self.value]
            return datetime.date.fromisoformat(self.value)
        return self.value

    def q(self) -> Q:
        lookup = {f"{self.fact.name}__{_LOOKUP[self.operator]}": self.python_value}
        condition = ~Q(**lookup) if self.operator in ("ne", "not_in") else Q(**lookup)
        if self.fact.nullable:
            # Unknown never holds, negated or not: "x IS NOT NULL AND (...)" is never NULL.
            condition = Q(**{f"{self.fact.name}__isnull": False}) & condition
        return condition

    def holds(self, actual: Any) -> bool:
        """The same test in Python, for checking the SQL against (tests) and for tiers on one value."""
        if actual is None:
            return False
        expected = self.python_value
        match self.operator:
            case "eq":
                return bool(actual == expected)
            case "ne":
                return bool(actual != expected)
            case "lt":
                return bool(actual < expected)
            case "lte":
                return bool(actual <= expected)
            case "gt":
                return bool(actual > expected)
            case "gte":
                return bool(actual >= expected)
            case "in":
                return actual in expected
            case _:
                return actual not in expected


def leaves(tree: dict[str, Any], *, unit: str) -> list[Leaf]:
    """The conditions of a (validated) tree in order."""
    return list(_walk(tree, unit, iter(range(MAX_LEAVES * 4))))


def _walk(node: dict[str, Any], unit: str, numbers: Iterator[int]) -> Iterator[Leaf]:
    if "fact" in node:
        fact = fact_for(unit, node["fact"])
        assert fact is not None, node
        yield Leaf(next(numbers), fact, node["operator"], node["value"])
    elif "not" in node:
        yield from _walk(node["not"], unit, numbers)
    else:
        for child in node.get("all", node.get("any", [])):
            yield from _walk(child, unit, numbers)


def compile_q(tree: dict[str, Any], *, unit: str) -> Q:
    """The whole tree as one ``Q`` over the facts' annotations."""
    numbered = iter(leaves(tree, unit=unit))

    def build(node: dict[str, Any]) -> Q:
        if "fact" in node:
            return next(numbered).q()
        if "not" in node:
            return ~build(node["not"])
        children = [build(child) for child in node.get("all", node.get("any", []))]
        if "all" in node:
            result = Q()
            for child in children:
                result &= child
            return result
        result = children[0]
        for child in children[1:]:
            result |= child
        return result

    return build(tree)


def as_boolean(condition: Q) -> Case:
    """A condition as a true/false column (never NULL), for showing which conditions held."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def facts_used(tree: dict[str, Any], *, unit: str) -> list[str]:
    seen: list[str] = []
    for leaf in leaves(tree, unit=unit):
        if leaf.fact.name not in seen:
            seen.append(leaf.fact.name)
    return seen


def explain_tree(tree: dict[str, Any], *, unit: str, held: dict[int, bool], actual: dict[str, Any]) -> dict[str, Any]:
    """The tree as the explanation shows it: every node with ``held``, every leaf with the fact's label, the
    value it had for the unit (masked for a sensitive fact) and the value it was compared with. ``held`` is the
    database's verdict per leaf."""
    numbered = iter(leaves(tree, unit=unit))

    def build(node: dict[str, Any]) -> dict[str, Any]:
        if "fact" in node:
            leaf = next(numbered)
            return {
                "kind": "condition",
                "fact": leaf.fact.name,
                "label": str(leaf.fact.label),
                "operator": leaf.operator,
                "symbol": OPERATORS[leaf.operator],
                "value": leaf.value,
                "actual": _shown(leaf.fact, actual.get(leaf.fact.name)),
                "held": held[leaf.index],
            }
        if "not" in node:
            child = build(node["not"])
            return {"kind": "not", "held": not child["held"], "children": [child]}
        kind = "all" if "all" in node else "any"
        children = [build(child) for child in node[kind]]
        verdict = all(c["held"] for c in children) if kind == "all" else any(c["held"] for c in children)
        return {"kind": kind, "held": verdict, "children": children}

    return build(tree)


def _shown(fact: Fact, value: Any) -> Any:
    """The fact's value as the explanation shows it: masked where it is health information."""
    if fact.sensitive and value is not None:
        return MASK
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def describe_conditions(tree: dict[str, Any], *, unit: str) -> str:
    """The tree in words for the programme page: facts by their labels, choices by theirs, e.g.
    "Family type ∈ {Only child (a daughter)} and Residence = Rural"."""

    def value_text(fact: Fact, value: Any) -> str:
        labels = dict(fact.choices)
        if isinstance(value, list):
            return "{" + ", ".join(str(labels.get(v, v)) for v in value) + "}"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(labels.get(value, value))

    def text(node: dict[str, Any], nested: bool) -> str:
        if "fact" in node:
            fact = fact_for(unit, node["fact"])
            if fact is None:  # a fact since withdrawn: show what is stored
                return f"{node['fact']} {OPERATORS.get(node.get('operator', ''), '?')} {node.get('value')}"
            return f"{fact.label} {OPERATORS[node['operator']]} {value_text(fact, node.get('value'))}"
        if "not" in node:
            return _("not (%(condition)s)") % {"condition": text(node["not"], False)}
        kind = "all" if "all" in node else "any"
        parts = [text(child, True) for child in node[kind]]
        if not parts:
            return _("everyone") if kind == "all" else _("no one")
        joined = (_(" and ") if kind == "all" else _(" or ")).join(parts)
        return f"({joined})" if nested and len(parts) > 1 else joined

    return text(tree, False)
