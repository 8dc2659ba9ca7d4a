"""The draw ceremony as the demo data runs it (review/demo.py, review/demo_termination.py)."""

from datetime import timedelta
from secrets import token_hex

from django.utils import timezone

from review.draw import services
from review.draw.rules import draw_commitment


def demo_public_source():
    """A named public value for a demo draw: the 福彩3D draw of tomorrow (draw v3)."""
    return f"cwl-3d:{(timezone.localdate() + timedelta(days=1)).isoformat()}"


def demo_draw_complete(draw, officer, supervisor, result="4 8 3"):
    """Run an open demo draw through the ceremony with random secrets (as the browser makes
    them, never words), and the public value when one is named; the panel is invited.
    In a real draw the lottery result is entered only once it is published."""
    mine, theirs = token_hex(32), token_hex(32)
    for user, party, secret in ((officer, "bureau", mine), (supervisor, "supervisor", theirs)):
        services.draw_commit(
            draw=draw, by=user, party=party, commitment=draw_commitment(draw, party, secret)
        )
    services.draw_freeze(draw=draw, by=officer)
    services.draw_reveal(draw=draw, by=officer, party="bureau", secret=mine)
    draw = services.draw_reveal(draw=draw, by=supervisor, party="supervisor", secret=theirs)
    if draw.public_value_source:
        draw = services.draw_set_public_value(draw=draw, by=officer, value=result)
    return draw
