"""The chart of the remaining debt over the plan: an inline SVG computed on the server (no script,
nothing downloaded). Pure geometry: the engine's result in, coordinates and labels out."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.dates import format_date
from core.money import format_eur

from .engine import PlanResult

WIDTH, HEIGHT = 1000, 260
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 14, 30


@dataclass
class Marker:
    x: float
    y: float
    title: str


@dataclass
class DebtChart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    debt_line: str = ""
    debt_area: str = ""
    non_remissible_line: str = ""
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    end_label: str = ""
    end_y: float = 0.0


def _nice_step(high: Decimal) -> Decimal:
    raw = high / 4
    magnitude = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal(1)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10


def _tick(value: Decimal) -> str:
    """A whole amount without its cents, in the active language ("10.000 €", "€ 10.000")."""
    text = format_eur(value, get_language() or "fr")
    return text.replace(",00\u00a0", "\u00a0").removesuffix(",00")


def debt_chart(result: PlanResult) -> DebtChart | None:
    """Remaining debt (what the plan's claims are still owed) after each period, from the plan's
    start, with the non-remissible part. ``None`` when there is nothing owed."""
    start_total = result.outstanding
    if start_total <= 0 or not result.periods:
        return None
    chart = DebtChart()
    first = result.terms.start
    last = result.terms.end
    span = max((last - first).days, 1)
    plot_w, plot_h = chart.right - chart.left, chart.bottom - chart.top
    step = _nice_step(start_total)
    high = (start_total / step).to_integral_value(rounding=ROUND_CEILING) * step

    def x(day: date) -> float:
        return round(chart.left + (day - first).days / span * plot_w, 1)

    def y(value: Decimal) -> float:
        return round(float(chart.bottom - value / high * plot_h), 1)

    start_nr = sum((r.line.outstanding for r in result.lines if r.line.non_remissible), Decimal(0))
    debt = [f"M{chart.left},{y(start_total)}"]
    nr = [f"M{chart.left},{y(start_nr)}"]
    for p in result.periods:
        debt.append(f"L{x(p.period.end)},{y(p.remaining)}")
        nr.append(f"L{x(p.period.end)},{y(p.remaining_non_remissible)}")
    chart.debt_line = "".join(debt)
    chart.debt_area = f"{chart.debt_line}V{chart.bottom}H{chart.left}Z"
    if start_nr > 0:
        chart.non_remissible_line = "".join(nr)
    every = max(1, len(result.periods) // 120)
    # translated once, not once a marker (84 of them for a 7-year plan, issue 15)
    title = _("Après le versement n° %(n)s (%(d)s) : reste dû %(amount)s")
    for p in result.periods[::every]:
        chart.markers.append(
            Marker(
                x(p.period.end),
                y(p.remaining),
                title
                % {
                    "n": p.period.index,
                    "d": format_date(p.period.last_day),
                    "amount": format_eur(p.remaining),
                },
            )
        )
    value = Decimal(0)
    while value <= high:
        chart.y_ticks.append((y(value), _tick(value)))
        value += step
    years = (last.year - first.year) + 1
    every_years = 1 if years <= 10 else 2
    for year in range(first.year + 1, last.year + 1, every_years):
        day = date(year, 1, 1)
        if first < day < last:
            chart.x_ticks.append((x(day), str(year)))
    if not chart.x_ticks:
        chart.x_ticks = [
            (x(first), format_date(first, "month")),
            (x(last), format_date(last, "month")),
        ]
    end = result.periods[-1].remaining
    chart.end_y = y(end)
    chart.end_label = _tick(end)
    return chart
