"""The Dutch interface has no French left (issue 16, "Every user": "Dutch complete: no French
left in headings, status notes and household labels").

Every page of each role that answers a plain GET (the project's URL patterns without argument,
and those of one case: its page, its tabs and what hangs from them) is rendered in Dutch over a
case with something in every tab (claims, journal, services and a fee statement, a budget and
its allowance, a plan, contacts, documents), and its visible text (text nodes, and the labels a
screen reader reads: ``aria-label``, ``title``, ``placeholder``, ``alt``) is searched for
French words. What the test data names (people, organisations, creditors, addresses, the case's
reference, the places) is taken out first: proper names are not translated; so is what the
organisation or the law wrote (the organisation's letter templates, the sources of the legal
rows as published). The audit trail shows what was recorded, in the language of the time: it is
not scanned."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from budget.models import IntegrationIncomeRecord, SeizureScaleRecord
from budget.services import BudgetData, IncomeData, budget_version_create
from claims.models import Creditor
from fees.models import LegalAmount, TariffRowRecord
from fees.services import statement_create
from fees.tests.db import creditors_with_claims, income, open_account, post, service
from ledger.models import Category
from letters.models import LetterTemplate

pytestmark = pytest.mark.django_db
D = Decimal

# Words that are French and not Dutch, matched as whole words, case-insensitive.
FRENCH_WORDS = (
    "du",
    "au",
    "aux",
    "le",
    "la",
    "les",
    "des",
    "et",
    "ou",
    "pour",
    "avec",
    "dans",
    "sur",
    "sans",
    "aucun",
    "aucune",
    "une",
    "créancier",
    "créanciers",
    "créance",
    "créances",
    "requérant",
    "requérants",
    "médiateur",
    "médiatrice",
    "montant",
    "ajouter",
    "enregistrer",
    "déposer",
    "déposé",
    "pécule",
    "télécharger",
    "modifier",
    "supprimer",
    "nouveau",
    "nouvelle",
    "échéance",
    "prestation",
    "prestations",
    "honoraires",
    "ménage",
    "plancher",
    "quotité",
    "tribunal",
    "greffe",
    "requête",
    "jours",
    "mois",
)
FRENCH_PHRASES = ("Rapport annuel", "État de frais", "Etat de frais", "Suivi annuel")
FRENCH = re.compile(
    r"(?<![\w'’-])(" + "|".join(re.escape(w) for w in FRENCH_WORDS) + r")(?![\w'’-])",
    re.IGNORECASE,
)
# Pages that are not screens (files, feeds, redirects) or leave the session.
SKIPPED = re.compile(r"logout|deconnexion|export|download|telecharger|pdf|csv|xlsx|ical|feed|json")
# Pages that show recorded data as it was recorded (the audit trail's snapshots).
RECORDED = {"audit:list"}
# How many pages each role reaches at least (58, 39, 64 and 8 when this test was written): the
# walk over the URL patterns must keep finding them.
AT_LEAST = {"mediator": 40, "supervisor": 25, "administrator": 40, "clerk": 5}
# Place names that read the same in both languages.
PLACES = ["La Louvière"]


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    labels = re.findall(r'\s(?:aria-label|title|placeholder|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *labels]))


def french_in(text: str, data: list[str]) -> list[str]:
    for name in sorted(data, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"\{\{.*?\}\}", " ", text)  # a letter's field names ({{ tribunal }}) are code
    # the fields of the text with fields ([tribunal], issue 16) are names, the same in every
    # language (docs/letters.md)
    text = re.sub(r"\[[a-z_]+\]", " ", text)
    found = []
    for phrase in FRENCH_PHRASES:
        if phrase in text:
            found.append(phrase)
    for match in FRENCH.finditer(text):
        start, end = max(match.start() - 40, 0), match.end() + 40
        found.append(" ".join(text[start:end].split()))
    return found


def _patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            if namespace == "admin":
                continue
            yield from _patterns(
                entry.url_patterns, f"{prefix}{namespace}:" if namespace else prefix
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry


def pages(case_pk: int, statement_pk: int) -> list[tuple[str, str]]:
    """(name, url) of every named GET page without argument or with the case's ``pk``, and the
    case's fee statement."""
    found = [
        ("fees:statement_detail", reverse("fees:statement_detail", args=[case_pk, statement_pk]))
    ]
    for name, pattern in _patterns(get_resolver().url_patterns):
        params = set(pattern.pattern.regex.groupindex)
        if name in RECORDED or SKIPPED.search(name) or SKIPPED.search(str(pattern.pattern)):
            continue
        if not params:
            found.append((name, reverse(name)))
        elif params == {"pk"}:
            found.append((name, reverse(name, kwargs={"pk": case_pk})))
    return found


@pytest.fixture
def full_case(world):
    case = world.case
    creditors_with_claims(case, 3, declared_on=date(2022, 7, 1), prefix="Schuldeiser")
    open_account(case)
    income(case, date(2022, 7, 1), "3000.00")
    post(case, date(2022, 9, 1), Category.PAYMENT_ON_BEHALF, "450.00")
    service(case, "hearing", date(2022, 12, 20))
    service(case, "letter", date(2023, 2, 1), registered_postage=D("8.40"))
    statement_create(
        case=case,
        period_from=date(2022, 6, 15),
        period_to=date(2023, 6, 15),
        occasion="annual_report",
        by=world.mediator,
    )
    budget_version_create(
        case=case,
        data=BudgetData(
            date=date(2024, 1, 1),
            ris_category="single",
            incomes=[IncomeData(kind="earned", label="Loon", amount=D("1900.00"))],
        ),
        by=world.mediator,
    )
    return case


def _data(world) -> list[str]:
    names = [world.org.name, world.other_org.name, world.case.reference, *PLACES]
    for user in (world.mediator, world.colleague, world.supervisor, world.administrator):
        names += [user.get_full_name(), user.first_name, user.last_name, user.username]
    for user in (world.clerk, world.other_clerk, world.other_mediator, world.other_supervisor):
        names += [user.get_full_name(), user.first_name, user.last_name, user.username]
    names += list(Creditor.objects.values_list("name", flat=True))
    for model in (SeizureScaleRecord, IntegrationIncomeRecord, TariffRowRecord, LegalAmount):
        names += list(model.objects.values_list("source", flat=True))
    for name, subject, body in LetterTemplate.objects.values_list("name", "subject", "body"):
        # the list shows a subject cut at 90 characters (``truncatechars:90``)
        names += [name, subject, subject[:89], *(line.strip() for line in body.splitlines())]
    for applicant in world.case.applicants.all():
        names += [applicant.first_name, applicant.last_name, applicant.address or ""]
    return [name for name in names if name and name.strip()]


@pytest.mark.parametrize("role", ["mediator", "supervisor", "administrator", "clerk"])
def test_every_page_of_each_role_is_dutch(client, world, full_case, role):
    user = getattr(world, role)
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    data = _data(world)
    problems, seen = [], 0
    statement = full_case.fee_statements.get()
    for name, url in pages(full_case.pk, statement.pk):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        content = response.content.decode()
        if "<html" in content:  # a whole page (not a fragment the page loads)
            assert '<html lang="nl"' in content, name
        for found in french_in(visible_text(content), data):
            problems.append(f"{name}: {found}")
    assert seen >= AT_LEAST[role], f"only {seen} pages answered for {role}"
    assert not problems, "French on Dutch pages:\n" + "\n".join(sorted(set(problems)))
