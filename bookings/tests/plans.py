"""Reading PostgreSQL's plans in tests: which indexes an EXPLAIN (FORMAT JSON) walks."""

import json
from collections.abc import Iterator


def plan_indexes(plan: str | list) -> set[str]:
    """Every index named anywhere in the plan of an EXPLAIN (FORMAT JSON) (text or parsed)."""
    parsed = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node: dict) -> Iterator[str]:
        if "Index Name" in node:
            yield node["Index Name"]
        for child in node.get("Plans", ()):
            yield from walk(child)

    return set(walk(parsed[0]["Plan"]))
