"""The plan tab and the closure tab of a long plan (issue 15): a 7-year case of many creditors
and thousands of dividends. Their queries do not grow with the plan's length, its creditors or
its payments; the plan is computed once a page (``plans.selectors.computed_once``); the tables
written in Python (``plans.templatetags.plans_ui``) show every period, creditor and line, their
texts escaped; the dividends are summed in the database as they were in Python."""

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, ClaimNature, ClaimStatus, Creditor
from closure import selectors as closure_selectors
from core.money import format_eur
from ledger.services import EntryData, account_open, entry_post, entry_post_many, entry_reverse
from plans import engine, selectors, services, tables
from plans.models import PlanVersion
from plans.services import PlanData
from plans.templatetags import plans_ui
from reports import court_checks

from .factories import make_case

D = Decimal
pytestmark = pytest.mark.django_db
LEDGER_TODAY = date(2030, 1, 1)
START = date(2022, 7, 1)
LONG = 83  # months: the longest plan the seven years allow from START (admissibility 15/06/2022)


def planned_case(world, case, *, creditors: int, months: int, payments: int, name="Banque"):
    """``case`` with ``creditors`` accepted claims (the first also owes a maintenance claim: two
    lines), one dividend paid before the plan, an approved plan of ``months`` months from
    ``START`` and ``payments`` dividends paid during it."""
    made = []
    for n in range(creditors):
        creditor = Creditor.objects.create(
            organisation=world.org, name=f"{name} {n}", address="Rue de la Loi 1\n1000 Bruxelles"
        )
        made.append(creditor)
        Claim.objects.create(
            case=case,
            creditor=creditor,
            principal=D("3000.00") + n * 100,
            declared_on=date(2022, 7, 1),
            status=ClaimStatus.ACCEPTED,
        )
    Claim.objects.create(
        case=case,
        creditor=made[0],
        principal=D("800.00"),
        declared_on=date(2022, 7, 2),
        status=ClaimStatus.ACCEPTED,
        nature=ClaimNature.MAINTENANCE,
    )
    account_open(case=case, iban="")
    entry_post(
        case=case,
        data=EntryData(
            value_date=date(2022, 6, 16), direction="in", amount=D("99000.00"), category="income"
        ),
        by=world.mediator,
        today=LEDGER_TODAY,
    )
    entry_post(  # before the plan: imputed on the creditor's lines as already paid
        case=case,
        data=EntryData(
            value_date=date(2022, 6, 25),
            direction="out",
            amount=D("25.00"),
            category="dividend",
            creditor_id=made[0].pk,
        ),
        by=world.mediator,
        today=LEDGER_TODAY,
    )
    version = services.plan_create(
        case=case,
        data=PlanData(
            kind="amicable",
            start_date=START,
            duration_months=months,
            monthly_available=D("400.00"),
            fee_provision=D("600.00"),
        ),
        by=world.mediator,
    )
    services.plan_approve(
        version=version,
        decision_date=date(2022, 6, 28),
        decision_reference="",
        by=world.mediator,
        today=date(2022, 6, 30),
    )
    postings = [
        (
            case,
            EntryData(
                value_date=date(2022, 7, 20) + timedelta(days=(n * 5) % 1500),
                direction="out",
                amount=D("3.00") + D(n % 9) / 100,
                category="dividend",
                creditor_id=made[n % creditors].pk,
            ),
        )
        for n in range(payments)
    ]
    results = entry_post_many(postings=postings, by=world.mediator, today=LEDGER_TODAY)
    assert all(hasattr(r, "pk") for r in results)
    version.refresh_from_db()
    return version


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def count(client, url) -> int:
    client.get(url)  # once before: sessions and lazy registries are warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


TABS = {"plan": "plans:case_plan", "closure": "closure:case_closure"}


@pytest.mark.parametrize("tab", TABS)
def test_the_tab_reads_as_many_queries_for_a_long_plan_as_for_a_short_one(world, tab):
    small = world.case
    planned_case(world, small, creditors=2, months=12, payments=3, name="Petit")
    large = make_case(organisation=world.org, mediator=world.mediator, reference="NAM-2022-0777")
    planned_case(world, large, creditors=12, months=LONG, payments=400, name="Grand")
    client = client_for(world.mediator)
    few = count(client, reverse(TABS[tab], args=[small.pk]))
    many = count(client, reverse(TABS[tab], args=[large.pk]))
    assert many == few, f"{tab}: {few} queries for 12 months, {many} for {LONG}"


def test_the_plan_tab_computes_its_plan_once(world, monkeypatch):
    """The page shows the plan, follows it and checks its filing (whose rules compute the plan
    in force): the engine runs once. Outside a page, every call reads the database afresh; the
    engine's arithmetic is kept by the whole terms (``_plan_of_terms``), so that terms that
    change, however little, are computed again."""
    version = planned_case(world, world.case, creditors=3, months=24, payments=20)
    runs = []
    compute_plan = engine.compute_plan

    def counted(terms):
        runs.append(terms)
        return compute_plan(terms)

    monkeypatch.setattr(engine, "compute_plan", counted)
    selectors._plan_of_terms.cache_clear()
    response = client_for(world.mediator).get(reverse("plans:case_plan", args=[world.case.pk]))
    assert response.status_code == 200
    assert response.context["court_check"] is not None  # the filing check did run
    assert response.context["follow"] is not None
    assert len(runs) == 1
    runs.clear()
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            view = selectors.compute(version)
        assert len(captured) > 0  # the claims, the dividends, the one-offs: read again
    assert runs == []  # the same terms: computed once in this process
    assert view.result == compute_plan(view.terms)
    # the terms change (a euro more a month): the engine runs again, on the new terms
    PlanVersion.objects.filter(pk=version.pk).update(
        monthly_available=version.monthly_available + 1
    )
    changed = selectors.compute(PlanVersion.objects.get(pk=version.pk))
    assert len(runs) == 1 and runs[0] == changed.terms != view.terms
    assert changed.result.terms.monthly_available == version.monthly_available + 1
    PlanVersion.objects.filter(pk=version.pk).update(monthly_available=version.monthly_available)
    runs.clear()
    selectors._plan_of_terms.cache_clear()
    with selectors.computed_once():
        first, again = selectors.compute(version), selectors.compute(version)
        assert again is first
        assert selectors.monitoring(version, LEDGER_TODAY)[0] is first
    assert len(runs) == 1


def test_the_plan_tab_reads_its_claims_dividends_and_versions_once(world):
    """The basis, the monitoring and the filing check read the same claims, the dividends
    around the plan and the plan in force: one query each (issue 15)."""
    planned_case(world, world.case, creditors=3, months=24, payments=20)
    client = client_for(world.mediator)
    url = reverse("plans:case_plan", args=[world.case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.context["court_check"] is not None and response.context["follow"] is not None
    selects = [q["sql"] for q in captured if q["sql"].startswith("SELECT")]
    for table in ("claims_claim", "ledger_entry", "plans_planversion"):
        assert len([q for q in selects if f'FROM "{table}"' in q]) == 1, table
    # the plan in force on a day: found among the versions read, as the database finds it
    case = world.case
    version = selectors.version_in_force(case)
    before = version.decision_date - timedelta(days=1)
    outside = [selectors.approved_as_of(case, day) for day in (LEDGER_TODAY, before)]
    assert outside == [version, None]
    with selectors.computed_once():
        selectors.read_once(
            case, versions=list(selectors.plan_versions(case)), start=START, end=LEDGER_TODAY
        )
        with CaptureQueriesContext(connection) as captured:
            inside = [selectors.approved_as_of(case, day) for day in (LEDGER_TODAY, before)]
        assert inside == outside and len(captured) == 0


def test_the_plan_tab_reads_nothing_its_filing_check_already_has(world):
    """The filing check takes its creditors' names from the claims the page read, looks for no
    asset when no claim is ranked ``mortgage``, and looks for the last bank statement of the
    account's IBAN without reading the account first (issue 15)."""
    planned_case(world, world.case, creditors=3, months=24, payments=20)
    client = client_for(world.mediator)
    url = reverse("plans:case_plan", args=[world.case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.context["court_check"] is not None
    read = [  # the table each query reads (the first FROM: not its subqueries')
        re.search(r'FROM "(\w+)"', q["sql"]).group(1)
        for q in captured
        if q["sql"].startswith("SELECT")
    ]
    for table in ("claims_creditor", "assets_securedclaim", "ledger_account"):
        assert table not in read
    for table in ("banking_statementbalance", "plans_planoneoff", "plans_planmailing"):
        assert read.count(table) == 1, table
    # the session, the user and its second factor (6), the layout's badges and organisation
    # (4), the page read in the audit trail (3); the page's own: the case and its applicants,
    # the versions, their one-offs, the claims, the dividends, the last bank statement, the
    # mailings (8; 11 until the filing check read names, assets and the account again)
    assert len(captured) == 21


def test_the_result_part_is_the_template_s_markup_and_follows_the_version(world, monkeypatch):
    """The figures, alerts, tables and chart of the plan tab (``plans/_result.html``) are written
    once per result, version figures, note and language (``plans_ui.result_part``): the page is
    the same as the part rendered afresh every time, and a change of what the version shows
    outside the plan's terms (its fee source, the source of its available amount, its note)
    shows at once, in French and in Dutch."""
    version = planned_case(world, world.case, creditors=3, months=24, payments=5)
    client = client_for(world.mediator)
    url = reverse("plans:case_plan", args=[world.case.pk])
    kept = plans_ui._kept

    def page(fresh: bool) -> str:
        if fresh:
            monkeypatch.setattr(plans_ui, "_kept", lambda owner, key, write: write())
        html = client.get(url).content.decode()
        monkeypatch.setattr(plans_ui, "_kept", kept)
        return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", html)

    seen = set()
    for language in ("fr", "nl"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for changes in (
            {"fee_source": "manual", "available_source": "manual", "available_note": ""},
            {"fee_source": "estimate"},
            {"available_source": "budget", "available_note": "Budget <revu> & signé"},
            {"fee_source": "manual"},
        ):
            PlanVersion.objects.filter(pk=version.pk).update(**changes)
            page(fresh=False)
            shown = page(fresh=False)  # kept
            assert shown == page(fresh=True)
            part = shown.split('<div class="row g-3 mb-3">')[1]
            assert part not in seen
            seen.add(part)
            assert "<revu>" not in shown
    assert sum("&lt;revu&gt; &amp; signé" in part for part in seen) == 4  # twice a language


def test_what_is_drawn_of_a_plan_is_kept_with_its_result(world, monkeypatch):
    """The same plan shown again is the same result (kept by its terms): its chart and tables
    are drawn once; in another language, again; for other terms, again."""
    version = planned_case(world, world.case, creditors=3, months=24, payments=5)
    selectors._plan_of_terms.cache_clear()
    tables._drawn.cache_clear()
    draws = []
    schedule = tables.schedule
    monkeypatch.setattr(tables, "schedule", lambda result: draws.append(result) or schedule(result))
    written = []
    creditors_table = plans_ui._creditors_table
    monkeypatch.setattr(
        plans_ui,
        "_creditors_table",
        lambda result: written.append(result) or creditors_table(result),
    )
    client = client_for(world.mediator)
    url = reverse("plans:case_plan", args=[world.case.pk])

    def detail() -> str:
        return client.get(url).content.decode().split('id="schedule-detail"')[1]

    first = detail()
    assert detail() == first and len(draws) == 1 and len(written) == 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    assert detail() != first and len(draws) == 2 and len(written) == 2
    assert "€\u00a0" in detail() and len(written) == 2
    PlanVersion.objects.filter(pk=version.pk).update(
        monthly_available=version.monthly_available + 10
    )
    detail()
    assert len(draws) == 3 and draws[2].terms.monthly_available == version.monthly_available + 10
    assert len(written) == 3


def rows(html: str) -> list[str]:
    return re.findall(r"<tr\b.*?</tr>", html, flags=re.S)


def test_the_tables_show_every_period_creditor_and_line_escaped(world):
    version = planned_case(world, world.case, creditors=3, months=LONG, payments=0)
    result = selectors.compute(version).result
    html = (
        client_for(world.mediator)
        .get(reverse("plans:case_plan", args=[world.case.pk]))
        .content.decode()
    )
    creditors_table = html.split('id="plan-creditors"')[1].split("</table>")[0]
    # a row a creditor, and a row for each line of the creditor with two (its maintenance
    # claim, non-remissible), with the dividends paid before the plan in their own column
    assert len(rows(creditors_table)) == 1 + 3 + 2 + 1
    assert "Déjà payé" in creditors_table and "25,00\u00a0€" in creditors_table
    assert creditors_table.count('class="small text-muted"') == 2
    assert "Non remissible" in creditors_table
    detail = html.split('id="schedule-detail"')[1].split("</details>")[0]
    body = detail.split("<tbody>")[1].split("</tbody>")[0]
    assert len(rows(body)) == len(result.periods) == LONG
    yearly = html.split("Échéancier par année du plan")[1].split('id="schedule-detail"')[0]
    assert len(rows(yearly.split("<tbody>")[1].split("</tbody>")[0])) == 7
    # each creditor's column adds up to what the plan pays it (the footer), name escaped
    footer = detail.split("<tfoot")[1]
    for creditor in result.creditors:
        assert f">{format_eur(creditor.paid)}<" in footer
    assert detail.count('class="text-end creditor-col"') == 3


def test_a_creditor_name_is_escaped_in_every_table(world):
    planned_case(world, world.case, creditors=2, months=12, payments=0, name="<b>Banque</b> &")
    html = (
        client_for(world.mediator)
        .get(reverse("plans:case_plan", args=[world.case.pk]))
        .content.decode()
    )
    assert "<b>Banque</b>" not in html
    # the creditors table, the yearly and the detailed schedule
    assert html.count("&lt;b&gt;Banque&lt;/b&gt; &amp; 0") >= 3


def test_the_tables_in_dutch(world):
    planned_case(world, world.case, creditors=2, months=12, payments=0)
    client = client_for(world.mediator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = client.get(reverse("plans:case_plan", args=[world.case.pk])).content.decode()
    assert '<html lang="nl"' in html
    assert "% terugbetaald" in html and "%% terugbetaald" not in html
    assert "€\u00a0" in html.split('id="plan-creditors"')[1]


def test_dividends_summed_in_the_database_as_in_python(world):
    version = planned_case(world, world.case, creditors=3, months=24, payments=60)
    case = world.case
    reversed_one = entry_post(
        case=case,
        data=EntryData(
            value_date=date(2023, 1, 5),
            direction="out",
            amount=D("77.00"),
            category="dividend",
            creditor_id=Creditor.objects.get(name="Banque 1").pk,
        ),
        by=world.mediator,
        today=LEDGER_TODAY,
    )
    entry_reverse(entry=reversed_one, note="Erreur", by=world.mediator, today=LEDGER_TODAY)
    for before in (date(2023, 6, 1), START, None):  # None last: all of them
        by_python: dict[int, Decimal] = {}
        for payment in selectors.dividends_paid(case, before=before):
            key = int(payment.creditor_key)
            by_python[key] = by_python.get(key, Decimal("0.00")) + payment.amount
        assert selectors.dividends_paid_per_creditor(case, before=before) == by_python
        assert list(selectors.dividends_paid_per_creditor(case, before=before)) == sorted(by_python)
    assert selectors.paid_before(case, version.start_date) == {
        str(Creditor.objects.get(name="Banque 0").pk): D("25.00")
    }
    # the three together in one query, as the plan tab reads them
    arounds = []
    for start, end in ((START, LEDGER_TODAY), (date(2023, 6, 1), date(2023, 9, 30))):
        with CaptureQueriesContext(connection) as captured:
            around = selectors.dividends_paid_around(case, start=start, end=end)
        assert len(captured) == 1
        assert around.before == selectors.dividends_paid_per_creditor(case, before=start)
        assert list(around.during) == selectors.dividends_paid_totals(case, start=start, end=end)
        assert around.total == selectors.dividends_paid_per_creditor(case)
        arounds.append(around)
    # one creditor paid before the plan, all three during it: creditors without are left out
    assert len(arounds[0].before) == 1 and len(arounds[0].during) == len(arounds[0].total) == 3
    paid = court_checks.paid_against_ceilings(case)
    assert [c.creditor_id for c in paid] == sorted(by_python)
    assert sum((c.paid for c in paid), D(0)) == sum(by_python.values(), D(0))
    # the query is built once for these dates (``_around_query``) and run afresh every time
    creditor = Creditor.objects.get(name="Banque 2")
    entry_post(
        case=case,
        data=EntryData(
            value_date=date(2023, 7, 1),
            direction="out",
            amount=D("5.00"),
            category="dividend",
            creditor_id=creditor.pk,
        ),
        by=world.mediator,
        today=LEDGER_TODAY,
    )
    again = selectors.dividends_paid_around(case, start=START, end=LEDGER_TODAY)
    assert again.total[creditor.pk] == arounds[0].total[creditor.pk] + D("5.00")
    assert again.total == selectors.dividends_paid_per_creditor(case)


def test_the_closure_page_reads_the_letters_and_the_checklist_once(world):
    planned_case(world, world.case, creditors=2, months=12, payments=5)
    client = client_for(world.mediator)
    url = reverse("closure:case_closure", args=[world.case.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    letters = [q for q in captured if 'FROM "letters_letter"' in q["sql"]]
    parties = [q for q in captured if 'FROM "contacts_thirdparty"' in q["sql"]]
    reports = [q for q in captured if 'FROM "reports_filedreport"' in q["sql"]]
    dividends = [q for q in captured if 'FROM "ledger_entry"' in q["sql"]]
    assert (len(letters), len(parties), len(reports)) == (1, 1, 1)
    # the dividends around the plan in one query, the fee payments with the rest of the
    # checklist's reads in one (``closure.selectors._reads``)
    assert len(dividends) == 2
    assert len([q for q in captured if "UNION ALL" in q["sql"]]) == 1
    # all told: 27 before the checklist's reads were one query (tests/test_closure_reads.py)
    assert len(captured) == 20
    checklist = response.context["checklist"]
    assert list(checklist.letters_needed) == closure_selectors.closure_letters_needed(world.case)
    assert checklist.letters_sent == closure_selectors.closure_letters_sent(world.case)
    assert response.context["sent_letters"] == checklist.letters_sent
    today = response.context["report_form"].initial["last_day"]
    assert checklist.report_period == closure_selectors.final_report_period(world.case, today)
    assert response.context["report_form"].initial["period_from"] == checklist.report_period[0]
    instalments = next(i for i in checklist.items if i.key == "instalments")
    assert instalments.done is False  # 5 dividends of 3 € do not pay a 12-month plan
    # its three forms are written in Python (``{% bs_layout %}``), not by crispy's templates
    html = response.content.decode()
    assert all(f'id="div_id_{name}"' in html for name in ("decision_date", "kinds", "observations"))
    assert not [t.name for t in response.templates if t.name.startswith("bootstrap5/")]


def test_the_result_s_creditors_are_computed_once_and_do_not_change_equality(world):
    version = planned_case(world, world.case, creditors=3, months=12, payments=0)
    result = selectors.compute(version).result
    assert result.creditors is result.creditors
    again = engine.compute_plan(result.terms)
    assert again == result  # the cache is not a field
    assert [c.creditor_key for c in again.creditors] == [c.creditor_key for c in result.creditors]
    for creditor in result.creditors:
        dividends = result.creditor_dividends(creditor.creditor_key)
        keys = [r.line.key for r in creditor.lines]
        assert dividends == [
            sum((p.dividends.get(k, Decimal("0.00")) for k in keys), Decimal("0.00"))
            for p in result.periods
        ]
    assert result.creditor_dividends("nobody") == [Decimal("0.00")] * len(result.periods)


# The chart's template before ``{% debt_chart_svg %}`` wrote it in Python (issue 15).
CHART_TEMPLATE = """{% load i18n %}<svg class="plan-chart" viewBox="0 0 {{ chart.width }} {{ chart.height }}" role="img" aria-labelledby="plan-chart-title" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">
  <title id="plan-chart-title">{% translate "Évolution du solde restant dû pendant le plan" %}</title>
  {% for y, label in chart.y_ticks %}
  <line class="grid" x1="{{ chart.left }}" x2="{{ chart.right }}" y1="{{ y|stringformat:'s' }}" y2="{{ y|stringformat:'s' }}" stroke="#e5e7eb"/>
  <text class="axis" x="{{ chart.left|add:'-8' }}" y="{{ y|stringformat:'s' }}" text-anchor="end" dominant-baseline="middle" font-size="12" fill="#555">{{ label }}</text>
  {% endfor %}
  {% for x, label in chart.x_ticks %}
  <line class="tick" x1="{{ x|stringformat:'s' }}" x2="{{ x|stringformat:'s' }}" y1="{{ chart.bottom }}" y2="{{ chart.bottom|add:'5' }}" stroke="#999"/>
  <text class="axis" x="{{ x|stringformat:'s' }}" y="{{ chart.bottom|add:'20' }}" text-anchor="middle" font-size="12" fill="#555">{{ label }}</text>
  {% endfor %}
  <path class="debt-area" d="{{ chart.debt_area }}" fill="#0d6efd" fill-opacity="0.12"/>
  <path class="debt-line" d="{{ chart.debt_line }}" fill="none" stroke="#0d6efd" stroke-width="2.5"/>
  {% if chart.non_remissible_line %}<path class="nr-line" d="{{ chart.non_remissible_line }}" fill="none" stroke="#b02a37" stroke-width="2" stroke-dasharray="6 4"/>{% endif %}
  <line class="axis-line" x1="{{ chart.left }}" x2="{{ chart.right }}" y1="{{ chart.bottom }}" y2="{{ chart.bottom }}" stroke="#999"/>
  <text class="end-label" x="{{ chart.right|add:'-4' }}" y="{{ chart.end_y|stringformat:'s' }}" dy="-6" text-anchor="end" font-size="12" fill="#0d6efd">{{ chart.end_label }}</text>
  {% if interactive %}{% for m in chart.markers %}<circle class="marker" cx="{{ m.x|stringformat:'s' }}" cy="{{ m.y|stringformat:'s' }}" r="5"><title>{{ m.title }}</title></circle>{% endfor %}{% endif %}
</svg>
"""  # noqa: E501


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_debt_chart_is_the_template_s_markup(world, language):
    """With and without the non-remissible line, with and without the markers (the PDF)."""
    from django.template import Context, Template
    from django.template.loader import render_to_string
    from django.utils import translation

    from plans.charts import debt_chart

    planned_case(world, world.case, creditors=3, months=LONG, payments=0, name="<b>B</b>")
    version = PlanVersion.objects.get(case=world.case)
    with translation.override(language):
        result = selectors.compute(version).result
        chart = debt_chart(result)
        assert chart.non_remissible_line and len(chart.markers) == LONG
        plain = replace(chart, non_remissible_line="")
        for drawn in (chart, plain):
            for interactive in (True, False):
                context = {"chart": drawn, "interactive": interactive}
                ours = render_to_string("plans/_debt_chart.html", context)
                theirs = Template(CHART_TEMPLATE).render(Context(context))
                assert ours == theirs
        pdf = render_to_string("plans/_debt_chart.html", {"chart": chart})  # as the PDF
        assert "<circle" not in pdf and pdf == Template(CHART_TEMPLATE).render(
            Context({"chart": chart})
        )


# The versions' history as ``plans/_history.html`` wrote it until ``plans_ui.plan_history``.
HISTORY_TEMPLATE = """{% load i18n fr_be %}<div class="card shadow-sm mb-3"><div class="card-header">{% translate "Historique des versions" %}</div>
<div class="table-responsive"><table class="table table-sm mb-0 small" id="plan-history">
  <thead class="table-light"><tr><th>{% translate "Version" %}</th><th>{% translate "Type" %}</th><th>{% translate "État" %}</th><th>{% translate "Établie" %}</th><th>{% translate "Motif" %}</th><th>{% translate "Décision du tribunal" %}</th></tr></thead>
  <tbody>{% for v in versions %}
    <tr{% if version and v.pk == version.pk %} class="table-active"{% endif %}>
      <td><a href="{% url 'plans:version_detail' case.pk v.number %}">v{{ v.number }}</a></td>
      <td>{{ v.get_kind_display }}</td>
      <td>{{ v.state_label }}{% if in_force and v.state == 'approved' and v.number < in_force.number %} <span class="badge text-bg-light border">{% translate "remplacée" %}</span>{% elif in_force and v.pk == in_force.pk %} <span class="badge text-bg-success">{% translate "en vigueur" %}</span>{% endif %}{% if v.filed_document %}<br><span class="text-muted">{% blocktranslate with d=v.filed_document.filed_at|dmy %}déposé au greffe le {{ d }}{% endblocktranslate %}</span>{% endif %}</td>
      <td>{{ v.created_at|dmy_hm }}<br><span class="text-muted">{{ v.created_by.get_full_name|default:v.created_by }}</span></td>
      <td>{{ v.reason|default:"—"|linebreaksbr }}</td>
      <td>{% if v.decision_date %}{{ v.decision_date|dmy }}{% if v.decision_reference %} · {{ v.decision_reference }}{% endif %}<br><span class="text-muted">{% blocktranslate with who=v.decided_by.get_full_name|default:v.decided_by %}encodée par {{ who }}{% endblocktranslate %}</span>{% else %}—{% endif %}</td>
    </tr>
  {% endfor %}</tbody>
</table></div></div>
"""  # noqa: E501


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_history_is_the_template_s_markup(world, language):
    """Versions replaced, in force, filed, decided (with and without a reference, by nobody
    recorded), a draft, authors with and without a name, reasons on several lines: the table
    written in Python is the template's, texts escaped, times in local time."""
    from django.template import Context, Template
    from django.utils import translation

    from accounts.models import User
    from documents.models import Document

    named = User(username="marie", first_name="Marie", last_name="<Dupont>")
    bare = User(username="<jan>")
    filed = Document(pk=77, filed_at=datetime(2024, 3, 31, 22, 30, tzinfo=UTC))

    def version(pk, number, **fields):
        defaults = {
            "kind": "amicable",
            "state": "approved",
            "created_at": datetime(2023, 12, 31, 23, 15, tzinfo=UTC),
            "created_by": named,
            "decision_date": date(2024, 1, 15),
            "decided_by": named,
        }
        return PlanVersion(pk=pk, number=number, case=world.case, **{**defaults, **fields})

    versions = [
        version(5, 5, state="draft", decision_date=None, reason="Revu\n<b>deux</b> & «lignes»"),
        version(4, 4, kind="judicial", created_by=bare, decision_reference="R/24 <1>"),
        version(3, 3, filed_document=filed, decided_by=None),
        version(2, 2, state="sent", decision_date=None),
        version(1, 1, reason="a\r\nb", decision_reference="x"),
    ]
    with translation.override(language):
        for shown in (versions[0], versions[2], None):
            for in_force in (versions[1], versions[2], None):
                context = {
                    "case": world.case,
                    "versions": versions,
                    "version": shown,
                    "in_force": in_force,
                }
                ours = Template("{% load plans_ui %}{% plan_history %}").render(Context(context))
                theirs = Template(HISTORY_TEMPLATE).render(Context(context))
                assert ours == theirs
                assert "<Dupont>" not in ours and "<b>deux" not in ours


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_working_text_is_the_template_s_markup(world, language):
    from django.template import Context, Template
    from django.utils import translation

    planned_case(world, world.case, creditors=3, months=LONG, payments=0, name="<b>B</b>")
    version = PlanVersion.objects.get(case=world.case)
    with translation.override(language):
        result = selectors.compute(version).result
        context = Context({"result": result})
        theirs = Template(
            '{% load fr_be %}<ul class="plan-working mb-0">{% for w in result.working_text %}'
            "<li>{{ w|phrase }}</li>{% endfor %}</ul>"
        ).render(context)
        ours = Template("{% load plans_ui %}{% working_text result %}").render(context)
        assert ours == theirs and theirs.count("<li>") == len(result.working_text) > 3
        assert ours == Template("{% load plans_ui %}{% working_text result %}").render(context)
