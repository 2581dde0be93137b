"""``manage.py taxation``: prints the ``rcd-taxation/1`` JSON (or writes the PDF) computed from the
database, files and saves nothing, and exits non-zero with a clear message on bad input — through
``call_command`` and through a real subprocess."""

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from fees.facts import compute_case_statement
from fees.models import FeeStatement, Service
from fees.tests.db import creditors_with_claims, income, open_account, post, service
from ledger.models import Category
from tests.factories import OrganisationFactory, UserFactory, make_case

D = Decimal


@pytest.fixture
def case(world):
    case = world.case
    creditors_with_claims(case, 7, declared_on=date(2022, 7, 1), time_barred=1)
    open_account(case)
    income(case, date(2022, 7, 1), "2500.00")
    post(case, date(2022, 12, 30), Category.PAYMENT_ON_BEHALF, "420.00")
    service(case, "hearing", date(2022, 12, 20))
    service(case, "homologation_request", date(2023, 3, 1))
    return case


def run(*args) -> str:
    out = StringIO()
    call_command("taxation", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_prints_the_json_and_saves_nothing(case):
    text = run("NAM-2022-0042", "--from", "2022-06-15", "--to", "2023-06-15")
    document = json.loads(text)
    assert document == compute_case_statement(case, date(2022, 6, 15), date(2023, 6, 15)).to_json()
    # hand-derived (see tests/test_fee_facts.py): 2,1° 737.83; 2,2° 9.82; 2,3° 263.47; 3 98.30
    assert document["subtotals"] == {"2.1": "737.83", "2.2": "9.82", "2.3": "263.47", "3": "98.30"}
    assert document["total"] == "1109.42"
    assert "Présence à l'audience" in text and "\\u" not in text  # UTF-8, not escaped
    assert not FeeStatement.objects.exists()
    assert not Service.objects.filter(taxed=True).exists()


@pytest.mark.django_db
def test_writes_json_and_pdf_files(case, tmp_path):
    target = tmp_path / "etat.json"
    run("NAM-2022-0042", "--from", "2022-06-15", "--to", "2023-06-15", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["total"] == "1109.42"
    pdf = tmp_path / "etat.pdf"
    out = run(
        "NAM-2022-0042",
        "--from",
        "2022-06-15",
        "--to",
        "2023-06-15",
        "--format",
        "pdf",
        "--output",
        str(pdf),
        "--occasion",
        "homologation_request",
    )
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "rien n'est enregistré" in out
    assert not FeeStatement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,message",
    [
        (["NOPE-1", "--from", "2022-06-15", "--to", "2023-06-15"], "Dossier inconnu : « NOPE-1 »"),
        (["NAM-2022-0042", "--from", "2023-06-15", "--to", "2023-06-15"], "Période invalide"),
        (["NAM-2022-0042", "--from", "2023-06-15", "--to", "2022-06-15"], "Période invalide"),
        (["NAM-2022-0042", "--from", "2022-13-01", "--to", "2023-06-15"], "Date invalide"),
        (
            ["NAM-2022-0042", "--from", "2022-06-15", "--to", "2023-06-15", "--organisation", "x"],
            "dans l'organisation « x »",
        ),
    ],
)
def test_bad_input(case, args, message):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert message in str(exc.value)


@pytest.mark.django_db
def test_a_date_no_tariff_covers(world):
    make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2017-0001",
        admissibility_date=date(2017, 3, 1),
    )
    with pytest.raises(CommandError, match="date de début d'application est inconnue"):
        run("NAM-2017-0001", "--from", "2017-03-01", "--to", "2018-03-01")


@pytest.mark.django_db
def test_an_ambiguous_reference_needs_the_organisation(case, world):
    org = OrganisationFactory(name="Cabinet Sambre", slug="cabinet-sambre")
    make_case(organisation=org, mediator=UserFactory(organisation=org), reference="NAM-2022-0042")
    with pytest.raises(CommandError) as exc:
        run("NAM-2022-0042", "--from", "2022-06-15", "--to", "2023-06-15")
    assert "cabinet-sambre, cpas-namur" in str(exc.value) and "--organisation" in str(exc.value)
    text = run(
        "NAM-2022-0042",
        "--from",
        "2022-06-15",
        "--to",
        "2023-06-15",
        "--organisation",
        "cpas-namur",
    )
    assert json.loads(text)["total"] == "1109.42"
    other = run(
        "NAM-2022-0042",
        "--from",
        "2022-06-15",
        "--to",
        "2023-06-15",
        "--organisation",
        "cabinet-sambre",
    )
    # no creditor, no service: 2,3° base only, (235.96 x 200 + 260.39 x 165) / 365 = 247.00
    assert json.loads(other)["total"] == "247.00"


SETUP = """
from datetime import date
from decimal import Decimal
from accounts.models import User
from accounts.services import organisation_create
from cases.services import ApplicantData, CaseData, case_create
from fees.services import service_record
org = organisation_create(name="CPAS de Namur", slug="cpas-namur", kind="cpas")
user = User.objects.create(username="m", first_name="Anne", last_name="Lecomte",
    organisation=org, role="mediator")
case = case_create(organisation=org, mediator=user, data=CaseData(reference="NAM-1",
    division="namur", admissibility_date=date(2022, 6, 15)),
    applicants=[ApplicantData(last_name="Dubois", first_name="Marie")], created_by=user)
service_record(case=case, kind="hearing", service_date=date(2023, 1, 10), mediator=user)
service_record(case=case, kind="travel", service_date=date(2023, 1, 10), mediator=user,
    km=Decimal("25"))
"""


def test_the_command_line_in_a_subprocess(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "PYTHONIOENCODING": "ascii",  # the JSON is UTF-8 whatever the locale says
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]

    def cli(*args):
        return subprocess.run(
            manage + list(args), env=env, capture_output=True, timeout=300, check=False
        )

    assert cli("migrate", "-v", "0").returncode == 0
    setup = cli("shell", "-c", SETUP)
    assert setup.returncode == 0, setup.stderr.decode()
    done = cli("taxation", "NAM-1", "--from", "2022-06-15", "--to", "2023-06-15")
    assert done.returncode == 0, done.stderr.decode()
    document = json.loads(done.stdout.decode("utf-8"))
    # 2,3° year 1 with no creditor: (235.96 x 200 + 260.39 x 165) / 365 = 247.00; art. 3 on
    # 10/01/2023 108.47; 4,4° 25 km x 0.28 = 7.00 -> 362.47
    assert document["subtotals"] == {"2.3": "247.00", "3": "108.47", "4.4": "7.00"}
    assert document["total"] == "362.47"
    assert "Déplacement" in done.stdout.decode("utf-8")
    pdf = tmp_path / "etat.pdf"
    written = cli(
        "taxation", "NAM-1", "--from", "2022-06-15", "--to", "2023-06-15", "--format", "pdf",
        "--output", str(pdf),
    )  # fmt: skip
    assert written.returncode == 0, written.stderr.decode()
    assert pdf.read_bytes().startswith(b"%PDF-")
    unknown = cli("taxation", "NOPE", "--from", "2022-06-15", "--to", "2023-06-15")
    assert unknown.returncode != 0 and unknown.stdout == b""
    assert "NOPE" in unknown.stderr.decode("utf-8", "replace")
    empty = cli("taxation", "NAM-1", "--from", "2023-06-15", "--to", "2023-06-15")
    assert empty.returncode != 0 and "--to" in empty.stderr.decode("utf-8", "replace")
    count = "from fees.models import FeeStatement; print(FeeStatement.objects.count())"
    nothing = cli("shell", "-c", count)
    assert nothing.stdout.decode().strip().splitlines()[-1] == "0"


@pytest.mark.django_db
@pytest.mark.parametrize("to", ["9999-12-31", "5000-01-01", "2037-06-02"])
def test_the_period_is_bounded_by_the_plan(case, to):
    # admissibility 2022 (no homologation, no closure): at most seven years of plan and seven
    # after it, so --to up to 2036 and no crash nor thousands of lines beyond
    with pytest.raises(CommandError) as exc:
        run("NAM-2022-0042", "--from", "2022-06-15", "--to", to)
    assert "Période trop longue" in str(exc.value) and "sept ans" in str(exc.value)


@pytest.mark.django_db
def test_the_period_ends_at_the_closure(case):
    case.closure_date = date(2024, 1, 31)
    case.save(update_fields=["closure_date"])
    with pytest.raises(CommandError) as exc:
        run("NAM-2022-0042", "--from", "2022-06-15", "--to", "2024-02-02")
    assert "clôture du dossier (2024-01-31)" in str(exc.value)
    document = json.loads(run("NAM-2022-0042", "--from", "2022-06-15", "--to", "2024-02-01"))
    assert document["period"] == {"from": "2022-06-15", "to": "2024-02-01"}
