"""Extra work where other pages show it: the visit panel on the owner's booking page, and a
card's line on the staff board (one query for the whole board)."""

from __future__ import annotations

from collections import Counter

from django import template
from django.db.models import Count

from bookings.models import Booking
from estimates.models import EstimateLine

from ..estimates.owner import panel_context

register = template.Library()


@register.inclusion_tag("web/estimates/panel.html")
def visit_panel(booking: Booking) -> dict:
    """The timeline, the extra work and the settlement link of an owner's booking."""
    return panel_context(booking)


def _board_counts(board) -> dict[int, Counter]:
    """(booking id → Counter of line states, plus "refused" holds) for every card on the board,
    read once per board and kept on it."""
    counts = getattr(board, "_estimate_counts", None)
    if counts is None:
        ids = [card.booking.pk for stage in board.stages for card in stage.cards]
        rows = (
            EstimateLine.objects.filter(booking_id__in=ids)
            .order_by()
            .values_list("booking_id", "state", "hold")
            .annotate(n=Count("id"))
        )
        counts = {}
        for booking_id, state, hold, n in rows:
            counter = counts.setdefault(booking_id, Counter())
            counter[state] += n
            if hold == EstimateLine.Hold.REFUSED:
                counter["refused"] += n
        board._estimate_counts = counts
    return counts


@register.inclusion_tag("web/estimates/card_line.html", takes_context=True)
def estimate_card_line(context, booking: Booking) -> dict:
    """On a board card: how the car's extra work stands, and the way to its page."""
    board = context.get("board")
    counts = _board_counts(board).get(booking.pk, Counter()) if board else Counter()
    return {
        "booking": booking,
        "outlet_code": booking.outlet.code if not board else board.outlet.code,
        "waiting": counts["proposed"] + counts["viewed"],
        "viewed": counts["viewed"],
        "approved": counts["approved"],
        "declined": counts["declined"],
        "refused": counts["refused"],
        "in_workshop": booking.status in (Booking.Status.CHECKED_IN, Booking.Status.IN_SERVICE),
    }


@register.simple_tag(takes_context=True)
def waiting_lines(context, booking: Booking) -> int:
    """On the owner's list of bookings: how many lines of extra work wait for the owner's
    answer (the page's `waiting_by_booking`, read once for the whole list)."""
    return context.get("waiting_by_booking", {}).get(booking.pk, 0)
