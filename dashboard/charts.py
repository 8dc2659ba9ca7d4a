"""Bar charts drawn on the server as inline SVG: no script, no library, nothing from outside
(the Content-Security-Policy allows neither). Each chart is an image with its name
(``role="img"``, ``<title>``, ``<desc>``) and the same numbers in a table beside it, which is
what screen readers read."""

import itertools
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

_ids = itertools.count(1)

WIDTH = 560
LABEL_WIDTH = 170  # the labels' column, left of the bars
VALUE_WIDTH = 90  # room right of the longest bar for its value
ROW = 28
BAR = 18
COLOURS = ("#b4231f", "#0969da", "#1a7f37", "#9a6700", "#5f6b76")
LABEL_CHARS = 11  # longer labels are cut in the drawing (the table has them whole)


def display_number(value) -> str:
    """An integer as is; an amount with at most two decimals, in the active locale."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    value = Decimal(value).quantize(Decimal("0.01"))
    text = number_format(value, decimal_pos=2, force_grouping=True)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(title, rows, *, unit="", label_heading="", value_heading=""):
    """A horizontal bar chart and its table. ``rows``: [(label, value)], values ≥ 0 (None
    counts as 0 in the drawing and shows as “—”). ``unit`` follows each value in the
    drawing; the headings name the table's columns (the value heading carries the unit)."""
    n = next(_ids)
    title_id, desc_id = f"chart{n}-title", f"chart{n}-desc"
    rows = [(str(label), value) for label, value in rows]
    top = max((Decimal(value or 0) for _label, value in rows), default=Decimal(0)) or Decimal(1)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = max(len(rows), 1) * ROW + 8
    bars = []
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        width = int(span * Decimal(value or 0) / top)
        text = display_number(value) + (f" {unit}" if unit and value is not None else "")
        bars.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#1f2328">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="13" fill="#1f2328">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR - 4,
                _cut(label),
                LABEL_WIDTH,
                y,
                max(width, 1 if value else 0),
                BAR,
                COLOURS[i % len(COLOURS)],
                LABEL_WIDTH + width + 6,
                y + BAR - 4,
                text,
            )
        )
    description = "; ".join(f"{label}: {display_number(value)}" for label, value in rows)
    svg = format_html(
        '<svg class="chart" role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}">{}</title><desc id="{}">{}</desc>{}</svg>',
        title_id,
        desc_id,
        WIDTH,
        height,
        title_id,
        title,
        desc_id,
        description,
        mark_safe("".join(bars)),  # noqa: S308 — each piece built by format_html
    )
    table = format_html(
        '<table class="table chart-table"><caption>{}</caption><thead><tr><th scope="col">{}'
        '</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        title,
        label_heading,
        value_heading,
        format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td></tr>',
            ((label, display_number(value)) for label, value in rows),
        ),
    )
    return format_html('<figure class="chart-figure">{}{}</figure>', svg, table)
