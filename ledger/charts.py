"""The balance chart of the journal tab: an inline SVG computed on the server (no script, nothing
downloaded). Pure geometry: dated figures in, coordinates and labels out."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

from core.dates import format_date
from core.money import format_eur

from .selectors import ChartPoint, Position

WIDTH, HEIGHT = 1000, 240
LEFT, RIGHT, TOP, BOTTOM = 86, 16, 14, 30  # margins (axis labels)
MAX_POINTS = 500  # above this, one point per week (then per month): the last balance of it
MAX_MARKERS = 400  # hover markers (a <title> each)


@dataclass
class Marker:
    x: float
    y: float
    title: str


@dataclass
class BalanceChart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    balance_line: str = ""
    balance_area: str = ""
    reserve_area: str = ""
    zero_y: float | None = None  # the zero line when the scale goes below zero
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    has_reserve: bool = False
    svg: str = ""  # the chart's markup (ledger/_balance_chart.html), written once (ledger.views)


def _nice_step(span: Decimal) -> Decimal:
    """A round step giving about four intervals over ``span``."""
    raw = span / 4
    magnitude = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal(1)
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        step = magnitude * factor
        if step >= raw:
            return step
    return magnitude * 10


def _tick_label(value: Decimal) -> str:
    text = format_eur(value)
    return text.replace(",00\u00a0", "\u00a0")  # whole euros on the axis


def _marker_title(point: ChartPoint) -> str:
    values = {
        "day": format_date(point.day),
        "balance": format_eur(point.balance),
        "reserve": format_eur(point.reserve),
    }
    if point.reserve:
        return _("%(day)s : solde %(balance)s, dont réserve %(reserve)s") % values
    return _("%(day)s : solde %(balance)s") % values


def _bucket(points: list[ChartPoint], key) -> list[ChartPoint]:
    kept: dict = {}
    for point in points:
        kept[key(point.day)] = point  # the last position of the bucket
    return list(kept.values())


def _thin(points: list[ChartPoint]) -> list[ChartPoint]:
    if len(points) > MAX_POINTS:
        points = _bucket(points, lambda d: d.isocalendar()[:2])
    if len(points) > MAX_POINTS:
        points = _bucket(points, lambda d: (d.year, d.month))
    return points


def _month_ticks(first: date, last: date) -> list[date]:
    months = (last.year - first.year) * 12 + last.month - first.month
    every = 1 if months <= 12 else 3 if months <= 36 else 12
    day = date(first.year, first.month, 1)
    ticks = []
    while day <= last:
        index = day.year * 12 + day.month - 1
        if day >= first and index % every == 0:
            ticks.append(day)
        day = date(day.year + (day.month // 12), day.month % 12 + 1, 1)
    return ticks


def balance_chart(
    opening: Position, points: list[ChartPoint], first_day: date, last_day: date
) -> BalanceChart | None:
    """A step chart of the end-of-day balance (and the fee reserve inside it) from
    ``first_day`` to ``last_day`` (inclusive). ``None`` when there is nothing to draw."""
    if not points or last_day < first_day:
        return None
    points = [p for p in _thin(points) if first_day <= p.day <= last_day]
    chart = BalanceChart()
    plot_w = chart.right - chart.left
    plot_h = chart.bottom - chart.top
    days = (last_day - first_day).days + 1
    values = [opening.balance] + [p.balance for p in points]
    low = min(min(values), Decimal(0))
    high = max(max(values), Decimal(100))
    step = _nice_step(high - low)
    low = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    high = (high / step).to_integral_value(rounding=ROUND_CEILING) * step

    # In floats (a pixel to one decimal; issue 15: a long journal draws some 200 points,
    # two coordinates each, on every page of the account tab).
    x_scale, x_left = plot_w / days, chart.left
    y_scale, y_low, y_bottom = plot_h / float(high - low), float(low), float(chart.bottom)

    def x(day: date) -> float:
        return round(x_left + (day - first_day).days * x_scale, 1)

    def y(value: Decimal) -> float:
        return round(y_bottom - (float(value) - y_low) * y_scale, 1)

    end_x = chart.right
    xs = [x(point.day) for point in points]
    line = [f"M{chart.left},{y(opening.balance)}"]
    line += [f"H{px}V{y(point.balance)}" for px, point in zip(xs, points, strict=True)]
    line.append(f"H{end_x}")
    base = y(max(low, Decimal(0)))
    chart.balance_line = "".join(line)
    chart.balance_area = f"{chart.balance_line}V{base}H{chart.left}Z"
    chart.has_reserve = opening.reserve > 0 or any(p.reserve > 0 for p in points)
    if chart.has_reserve:
        reserve = [f"M{chart.left},{y(opening.reserve)}"]
        reserve += [f"H{px}V{y(point.reserve)}" for px, point in zip(xs, points, strict=True)]
        reserve.append(f"H{end_x}")
        chart.reserve_area = f"{''.join(reserve)}V{base}H{chart.left}Z"
    if low < 0:
        chart.zero_y = y(Decimal(0))
    value = low
    while value <= high:
        chart.y_ticks.append((y(value), _tick_label(value)))
        value += step
    if days <= 45:
        every = max(1, days // 6)
        chart.x_ticks = [
            (
                x(first_day + timedelta(days=n)),
                format_date(first_day + timedelta(days=n), "day_month"),
            )
            for n in range(0, days, every)
        ]
    else:
        years = (last_day - first_day).days > 3 * 366
        chart.x_ticks = [
            (x(d), str(d.year) if years else format_date(d, "month"))
            for d in _month_ticks(first_day, last_day)
        ]
    if len(points) <= MAX_MARKERS:
        chart.markers = [
            Marker(px, y(p.balance), _marker_title(p)) for px, p in zip(xs, points, strict=True)
        ]
    return chart
