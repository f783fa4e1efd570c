"""Simulated equity views, without a database: a small network's quarter of bookings drawn the
way demo/history.py draws the demo's (statuses, waits, ratings from a `Service`), turned into the
`Comparison`s the selector would return, so that the flagging code runs on hundreds of histories
in seconds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from audit.selectors import Comparison, Figures, Pool, Side
from demo.history import FAIR, Service

BRANDS = ("AITO", "LUXEED", "STELATO", "MAEXTRO", "SHANGJIE")
OUTLETS = tuple(f"SIM-{n:02d}" for n in range(1, 7))
# Bookings of one brand at one outlet in a quarter: a demo outlet takes 2–4 a day over 90 days,
# shared by its brands, so some 35–75 each (a few tens started, a few tens rated).
BOOKINGS = (35, 75)
# As demo/history.py: the statuses' weights, the on-time waits, the share of completed bookings
# rated; audit.sql's on-time edge.
COMPLETED, CANCELLED, NO_SHOW = 0, 1, 2
STATUS_WEIGHTS = np.array([86, 8, 6]) / 100
ON_TIME_WAITS = np.array([-10, -5, 0, 0, 0, 5, 5, 10, 15])
RESPONSE_SHARE = 0.6
STARS = np.array([5, 4, 3, 2, 1])
ON_TIME_MINUTES = 15


@dataclass(frozen=True)
class Visits:
    """One brand's bookings at one outlet: statuses, and the completed ones' waits and
    ratings (0: not rated)."""

    statuses: np.ndarray
    waits: np.ndarray
    ratings: np.ndarray


def visits(rng: np.random.Generator, how: Service, count: int) -> Visits:
    statuses = rng.choice(3, size=count, p=STATUS_WEIGHTS)
    completed = int((statuses == COMPLETED).sum())
    late = rng.random(completed) < how.late_share
    waits = np.where(
        late,
        rng.integers(how.late_minutes[0], how.late_minutes[1] + 1, size=completed),
        rng.choice(ON_TIME_WAITS, size=completed),
    )
    weights = np.array(how.rating_weights) / sum(how.rating_weights)
    rated = rng.random(completed) < RESPONSE_SHARE
    ratings = np.where(rated, rng.choice(STARS, size=completed, p=weights), 0)
    return Visits(statuses=statuses, waits=waits, ratings=ratings)


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def side(pooled: list[Visits], brands: int) -> Side:
    """One side's figures as audit.sql computes them: every booking is past, so due = completed
    + no-shows, and every completed booking was started (percentile_cont's median is numpy's)."""
    statuses = np.concatenate([v.statuses for v in pooled])
    waits = np.concatenate([v.waits for v in pooled])
    ratings = np.concatenate([v.ratings for v in pooled])
    ratings = ratings[ratings > 0]
    completed = int((statuses == COMPLETED).sum())
    cancelled = int((statuses == CANCELLED).sum())
    no_show = int((statuses == NO_SHOW).sum())
    on_time = int((waits <= ON_TIME_MINUTES).sum())
    due = completed + no_show
    figures = Figures(
        bookings=len(statuses),
        completed=completed,
        cancelled=cancelled,
        no_show=no_show,
        due=due,
        started=completed,
        on_time=on_time,
        timed=0,
        rated=len(ratings),
        recall_done=0,
        checklist_items=0,
        checklist_items_done=0,
        completion_rate=_rate(completed, due),
        cancellation_rate=_rate(cancelled, len(statuses)),
        no_show_rate=_rate(no_show, due),
        wait_median_minutes=float(np.median(waits)) if completed else None,
        wait_p90_minutes=None,
        on_time_rate=_rate(on_time, completed),
        labour_ratio_median=None,
        checklist_completion_rate=None,
        rating_mean=float(ratings.mean()) if len(ratings) else None,
        response_rate=_rate(len(ratings), completed),
        # No extra work in the simulated quarters: its test is not run (flags.py).
        visits=completed,
        extra_offered=0,
        extra_lines_sent=0,
        extra_lines_decided=0,
        extra_lines_approved=0,
        extra_value_approved=0.0,
        currency="CNY",
        priced=0,
        off_standard=0,
        charged_total=0.0,
        standard_total=0.0,
        extra_offers_per_visit=0.0 if completed else None,
        extra_offered_rate=_rate(0, completed),
        extra_acceptance_rate=None,
        extra_approval_median_minutes=None,
        extra_value_per_visit=0.0 if completed else None,
        charged_to_standard_ratio=None,
    )
    return Side(
        figures=figures,
        brands=brands,
        waits=np.sort(waits.astype(float)),
        ratings=np.sort(ratings.astype(float)),
    )


def network_view(
    seed: int, *, served: Mapping[tuple[str, str], Service] | None = None
) -> list[Comparison]:
    """The alliance admin's view of one simulated quarter (seeded: the same every time): every
    brand at every outlet against the others there pooled. Every brand is served FAIR, but for
    the (outlet, brand) pairs in `served`."""
    rng = np.random.default_rng(seed)
    served = served or {}
    history = {
        (outlet, brand): visits(
            rng, served.get((outlet, brand), FAIR), int(rng.integers(BOOKINGS[0], BOOKINGS[1] + 1))
        )
        for outlet in OUTLETS
        for brand in BRANDS
    }
    own = {key: side([visited], 1) for key, visited in history.items()}
    # Every brand's values at an outlet, ranked once for all its comparisons (audit.selectors).
    pools = {
        outlet: Pool(
            waits=np.concatenate([own[outlet, brand].waits for brand in BRANDS]),
            ratings=np.concatenate([own[outlet, brand].ratings for brand in BRANDS]),
        )
        for outlet in OUTLETS
    }
    return [
        Comparison(
            outlet=outlet,
            outlet_name=outlet,
            city="Simulated",
            brand=brand,
            own=own[outlet, brand],
            others=side([history[outlet, b] for b in BRANDS if b != brand], len(BRANDS) - 1),
            pool=pools[outlet],
        )
        for outlet in OUTLETS
        for brand in BRANDS
    ]
