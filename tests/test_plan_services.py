"""Plans with the database: services (bad input saves nothing), versions and revisions, the
court's decision, the proposal mailed to creditors (4.2 / 4.1 service), the PDFs, the monitoring
against the ledger, the budget wiring and the views."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from cases.models import Applicant
from claims.models import Claim, ClaimNature, ClaimStatus, Creditor, Privilege
from core.pdf import join_pdf, render_pdf
from fees.models import Service
from ledger.services import EntryData, account_open, entry_post, entry_reverse
from plans import pdf, selectors, services
from plans.models import FeeSource, PlanMailing, PlanState, PlanVersion
from plans.services import PlanData

from .test_budget import budget as make_budget
from .test_budget import decide as decide_allowance

D = Decimal
TODAY = date(2023, 3, 1)


@pytest.fixture
def creditors(world):
    """Three creditors of organisation A with accepted claims (50/30/20), a maintenance claim,
    a time-barred creditor and a pending claim, in ``world.case`` (admissibility 15/06/2022)."""
    org = world.org

    def creditor(name, **kw):
        return Creditor.objects.create(
            organisation=org, name=name, address=f"Rue {name} 1\n5000 Namur", **kw
        )

    def claim(cred, principal, **kw):
        return Claim.objects.create(
            case=world.case,
            creditor=cred,
            principal=D(principal),
            declared_on=date(2022, 7, 1),
            status=kw.pop("status", ClaimStatus.ACCEPTED),
            **kw,
        )

    a, b, c = creditor("Banque A"), creditor("Banque B"), creditor("Energie C")
    claim(a, "5000.00", creditor_reference="A-1")
    claim(b, "3000.00")
    claim(c, "2000.00")
    late = creditor("Hôpital forclos")
    claim(late, "700.00", time_barred=True)
    pending = creditor("Télécom en attente")
    claim(pending, "150.00", status=ClaimStatus.PENDING)
    return {"a": a, "b": b, "c": c, "late": late, "pending": pending}


def data(**kw) -> PlanData:
    values = {
        "kind": "amicable",
        "start_date": date(2022, 9, 1),
        "duration_months": 12,
        "monthly_available": D("1000.00"),
        "fee_provision": D("1200.00"),
    }
    values.update(kw)
    return PlanData(**values)


# --- services ---------------------------------------------------------------------------------


def test_create_computes_on_accepted_claims_only(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    assert (version.number, version.state) == (1, PlanState.DRAFT)
    view = selectors.compute(version)
    # 900 € a month, 50/30/20: 450 / 270 / 180.
    assert {c.name: c.usual_dividend for c in view.result.creditors} == {
        "Banque A": D("450.00"),
        "Banque B": D("270.00"),
        "Energie C": D("180.00"),
    }
    reasons = {o.creditor_name: o.code for o in view.basis.out_of_plan}
    assert reasons == {"Hôpital forclos": "time_barred", "Télécom en attente": "pending"}
    assert view.basis.time_barred_creditors == ["Hôpital forclos"]


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"duration_months": 90}, "duration_months"),  # beyond 15/06/2029
        ({"exception_granted": True, "duration_months": 90}, "exception_reason"),
        ({"monthly_available": D("-1.00")}, "monthly_available"),
        ({"fee_provision": D("-5.00")}, "fee_provision"),
        ({"start_date": date(2022, 1, 1)}, "start_date"),
    ],
)
def test_bad_input_saves_nothing(world, creditors, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(case=world.case, data=data(**kwargs), by=world.mediator)
    assert field in exc.value.message_dict
    assert not PlanVersion.objects.exists()


def test_longer_plan_with_a_recorded_exception(world, creditors):
    version = services.plan_create(
        case=world.case,
        data=data(
            duration_months=90,
            exception_granted=True,
            exception_reason="Sauvegarde du logement familial (art. 1675/10, § 6 C.J.)",
        ),
        by=world.mediator,
    )
    assert version.exception_granted and version.duration_months == 90


def test_shares_must_add_up_and_stay_within_the_claim(world, creditors):
    # 1.000 € a month − 3.600 / 12 = 300 € of fees: the shares must total 700 € a month.
    a, b, c = creditors["a"], creditors["b"], creditors["c"]
    fees = {"fee_provision": D("3600.00")}
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            case=world.case,
            data=data(shares={a.pk: D("400.00"), b.pk: D("200.00"), c.pk: D("50.00")}, **fees),
            by=world.mediator,
        )
    assert "shares" in exc.value.message_dict  # 650 != 700
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            case=world.case,
            # C: 200 × 12 = 2.400 > 2.000 owed
            data=data(shares={a.pk: D("300.00"), b.pk: D("200.00"), c.pk: D("200.00")}, **fees),
            by=world.mediator,
        )
    assert set(exc.value.message_dict) == {f"share_{c.pk}"}
    assert not PlanVersion.objects.exists()
    version = services.plan_create(
        case=world.case,
        data=data(shares={a.pk: D("400.00"), b.pk: D("200.00"), c.pk: D("100.00")}, **fees),
        by=world.mediator,
    )
    assert version.override_shares and version.shares.count() == 3
    result = selectors.compute(version).result
    assert {c_.name: c_.usual_dividend for c_ in result.creditors}["Banque A"] == D("400.00")


def test_a_creditor_already_paid_beyond_its_claim_is_refused(world, creditors):
    account_open(case=world.case, iban="BE71096123456769")
    income = EntryData(
        value_date=date(2022, 7, 1), direction="in", amount=D("9000.00"), category="income"
    )
    entry_post(case=world.case, data=income, by=world.mediator, today=TODAY)
    overpaid = EntryData(
        value_date=date(2022, 8, 1),
        direction="out",
        amount=D("2500.00"),
        category="dividend",
        creditor_id=creditors["c"].pk,
    )
    entry_post(case=world.case, data=overpaid, by=world.mediator, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.plan_create(case=world.case, data=data(), by=world.mediator)
    assert "au-delà de sa créance" in " ".join(exc.value.messages)


def test_revision_keeps_history_and_the_old_version_readable(world, creditors):
    v1 = services.plan_create(case=world.case, data=data(), by=world.mediator)
    with pytest.raises(ValidationError):  # a draft is edited, not revised
        services.plan_revise(version=v1, reason="x", by=world.mediator)
    services.plan_approve(
        version=v1,
        decision_date=date(2022, 8, 20),
        decision_reference="Rép. 2022/1234",
        by=world.mediator,
        today=TODAY,
    )
    with pytest.raises(ValidationError):  # frozen
        services.plan_update(
            version=v1, data=data(monthly_available=D("2000.00")), by=world.mediator
        )
    with pytest.raises(ValidationError) as exc:
        services.plan_revise(version=v1, reason="  ", by=world.mediator)
    assert "reason" in exc.value.message_dict
    v2 = services.plan_revise(version=v1, reason="Nouvel emploi", by=world.administrator)
    assert (v2.number, v2.state, v2.revision_of, v2.created_by) == (
        2,
        PlanState.DRAFT,
        v1,
        world.administrator,
    )
    services.plan_update(
        version=v2,
        data=data(start_date=date(2023, 1, 1), monthly_available=D("1500.00")),
        by=world.administrator,
    )
    # A claim accepted later does not change the approved version (its snapshot) ...
    Claim.objects.filter(creditor=creditors["pending"]).update(status=ClaimStatus.ACCEPTED)
    old = selectors.compute(PlanVersion.objects.get(pk=v1.pk))
    assert old.result.admitted == D("10000.00")
    assert old.claims_changed
    # ... but the draft revision is computed on the current claims.
    assert selectors.compute(PlanVersion.objects.get(pk=v2.pk)).result.admitted == D("10150.00")
    assert [v.number for v in selectors.plan_versions(world.case)] == [2, 1]
    assert selectors.version_in_force(world.case) == v1


def test_approval_needs_the_decision_date(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    with pytest.raises(ValidationError) as exc:
        services.plan_approve(
            version=version,
            decision_date=None,
            decision_reference="",
            by=world.mediator,
            today=TODAY,
        )
    assert "decision_date" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.plan_approve(
            version=version,
            decision_date=date(2024, 1, 1),  # in the future
            decision_reference="",
            by=world.mediator,
            today=TODAY,
        )
    assert PlanVersion.objects.get().state == PlanState.DRAFT


# --- the proposal mailed to creditors ---------------------------------------------------------


def _send(world, version, creditor_ids, **kw):
    values = {
        "version": version,
        "creditor_ids": creditor_ids,
        "copy_to_applicants": False,
        "sent_on": date(2022, 8, 1),
        "registered": True,
        "postage": D("8.40"),
        "by": world.mediator,
        "today": TODAY,
    }
    values.update(kw)
    return services.plan_send(**values)


def test_sending_to_three_creditors_records_a_circular_letter(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    ids = [creditors[k].pk for k in ("a", "b", "c")]
    mailing = _send(world, version, ids)
    service = Service.objects.get()
    assert (service.kind, service.quantity) == ("circular_letter", 3)
    assert service.registered_postage == D("8.40")
    assert service.date == date(2022, 8, 1)
    assert service.mediator == world.case.mediator
    assert mailing.service == service and mailing.addressee_count == 3
    assert mailing.pdf.read().startswith(b"%PDF")
    version.refresh_from_db()
    assert version.state == PlanState.SENT and version.snapshot["lines"]


def test_sending_to_two_creditors_records_ordinary_letters(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    _send(world, version, [creditors["a"].pk, creditors["b"].pk], registered=False, postage=None)
    service = Service.objects.get()
    assert (service.kind, service.quantity) == ("letter", 2)


def test_sending_refuses_bad_input_and_saves_nothing(world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    with pytest.raises(ValidationError) as exc:
        _send(world, version, [], postage=None, sent_on=date(2030, 1, 1))
    assert {"creditors", "postage", "sent_on"} <= set(exc.value.message_dict)
    assert not Service.objects.exists() and not PlanMailing.objects.exists()
    version.refresh_from_db()
    assert version.state == PlanState.DRAFT


def test_a_failing_pdf_undoes_the_sending(world, creditors, monkeypatch):
    from plans import pdf

    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf, "render_proposal_pdf", broken)
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    with pytest.raises(ValidationError):
        _send(world, version, [creditors[k].pk for k in ("a", "b", "c")])
    assert not Service.objects.exists() and not PlanMailing.objects.exists()
    assert PlanVersion.objects.get().state == PlanState.DRAFT


# --- monitoring -------------------------------------------------------------------------------


def test_monitoring_compares_with_the_ledger_dividends(world, creditors):
    version = services.plan_create(
        case=world.case, data=data(fee_provision=D("0.00")), by=world.mediator
    )
    services.plan_approve(
        version=version,
        decision_date=date(2022, 8, 20),
        decision_reference="",
        by=world.mediator,
        today=TODAY,
    )
    account_open(case=world.case, iban="BE71096123456769")
    entry_post(
        case=world.case,
        data=EntryData(
            value_date=date(2022, 9, 1), direction="in", amount=D("9000.00"), category="income"
        ),
        by=world.mediator,
        today=TODAY,
    )

    def dividend(creditor, day, amount):
        return entry_post(
            case=world.case,
            data=EntryData(
                value_date=day,
                direction="out",
                amount=D(amount),
                category="dividend",
                creditor_id=creditor.pk,
            ),
            by=world.mediator,
            today=TODAY,
        )

    # 1.000 € a month, no fees: A 500, B 300, C 200. On 01/03/2023, Sept. to Jan. are due
    # (31/01 + 15 days <= 01/03; 28/02 + 15 is not): 5 months, A 2.500 planned.
    for month in (9, 10, 11, 12):
        dividend(creditors["a"], date(2022, month, 25), "500.00")
    dividend(creditors["a"], date(2023, 1, 25), "500.00")
    mistake = dividend(creditors["b"], date(2022, 9, 25), "1500.00")
    entry_reverse(entry=mistake, by=world.mediator, today=TODAY)  # reversed: does not count
    dividend(creditors["b"], date(2022, 9, 26), "300.00")
    view, follow = selectors.monitoring(version, TODAY)
    rows = {r.name: r for r in follow.rows}
    assert (rows["Banque A"].planned, rows["Banque A"].paid) == (D("2500.00"), D("2500.00"))
    assert rows["Banque A"].standing == "on_track"
    assert (rows["Banque B"].planned, rows["Banque B"].paid) == (D("1500.00"), D("300.00"))
    assert rows["Banque B"].standing == "behind"
    assert rows["Energie C"].paid == D("0.00")
    assert follow.behind


# --- budget wiring ----------------------------------------------------------------------------


def test_without_a_budget_the_figure_carries_the_budget_message(world):
    figure = selectors.budget_available(world.case, date(2025, 3, 1))
    assert figure.amount is None and "Aucun budget" in figure.message


def test_the_budget_figure_follows_the_budget_in_force(world):
    version = make_budget(world.case, world.mediator)  # 2.000,00 of resources from 01/03/2025
    figure = selectors.budget_available(world.case, date(2025, 3, 1))
    assert figure.amount is None and "n'est pas encore fixé" in figure.message
    decide_allowance(version, world.mediator, "1720.00")
    figure = selectors.budget_available(world.case, date(2025, 3, 1))
    assert figure.amount == D("280.00") and figure.message == ""
    assert figure.explanation.startswith("Budget n° 1")


def test_the_budget_amount_is_proposed_and_recorded_with_its_source(client, world, creditors):
    version = make_budget(world.case, world.mediator)
    decide_allowance(version, world.mediator, "1720.00")  # 2.000,00 − 1.720,00 = 280,00
    client.force_login(world.mediator)
    url = reverse("plans:plan_create", args=[world.case.pk])
    page = client.get(url)
    assert page.context["form"].initial["monthly_available"] == D("280.00")
    assert "Budget n° 1" in page.content.decode()
    posted = _post(client, url, start_date="2025-04-01", monthly_available="280,00")
    assert posted.status_code == 302
    version = PlanVersion.objects.get()
    assert version.available_source == "budget"
    assert version.available_note.startswith("Budget n° 1")


# --- views ------------------------------------------------------------------------------------


def _post(client, url, **fields):
    values = {
        "kind": "amicable",
        "start_date": "2022-09-01",
        "duration_months": "12",
        "frequency_months": "1",
        "monthly_available": "1.000,00",
        "fee_provision": "1.200,00",
        "legal_basis": "amicable",
        "allowance": "monthly",
        "action": "save",
    }
    values.update(fields)
    return client.post(url, values)


def test_create_through_the_form(client, world, creditors):
    client.force_login(world.mediator)
    url = reverse("plans:plan_create", args=[world.case.pk])
    response = _post(client, url)
    assert response.status_code == 302
    version = PlanVersion.objects.get()
    assert version.monthly_available == D("1000.00")
    page = client.get(reverse("plans:case_plan", args=[world.case.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Banque A" in content and "Hôpital forclos" in content and "Forclos" in content
    assert "<svg" in content  # the remaining-debt chart, drawn on the server


def test_form_bad_input_shows_the_message_and_saves_nothing(client, world, creditors):
    client.force_login(world.mediator)
    url = reverse("plans:plan_create", args=[world.case.pk])
    response = _post(client, url, duration_months="90", monthly_available="-10,00")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Durée maximale à partir du 01/09/2022" in content
    assert "Le montant ne peut être négatif." in content
    a, b, c = creditors["a"], creditors["b"], creditors["c"]
    response = _post(
        client,
        url,
        override_shares="on",
        **{f"share_{a.pk}": "500,00", f"share_{b.pk}": "300,00", f"share_{c.pk}": "0,00"},
    )
    assert "doivent totaliser exactement" in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_fee_estimate_and_preview_save_nothing(client, world, creditors):
    client.force_login(world.mediator)
    url = reverse("plans:plan_create", args=[world.case.pk])
    response = _post(client, url, action="estimate", fee_provision="")
    content = response.content.decode()
    assert "ESTIMATION" in content
    estimate = response.context["estimate"]
    # The payments are counted on the schedule without fees: 1.000 € a month pays the 10.000 €
    # of claims in 10 months, so 10 months × 3 creditors = 30 dividend payments (2,2°).
    assert estimate.amount > 0 and estimate.dividend_payments == 30
    assert response.context["form"]["fee_provision"].value() == f"{estimate.amount:.2f}".replace(
        ".", ","
    )
    response = _post(client, url, action="preview")
    assert "Aperçu (non enregistré)" in response.content.decode()
    assert not PlanVersion.objects.exists()
    # Saved with the estimate: the version says so.
    form = response.context["form"]
    _post(
        client,
        url,
        fee_provision=f"{estimate.amount:.2f}".replace(".", ","),
        fee_source="estimate",
        fee_estimate_amount=str(estimate.amount),
        fee_estimate_note=estimate.note,
    )
    version = PlanVersion.objects.get()
    assert version.fee_source == FeeSource.ESTIMATE and "Estimation" in version.fee_estimate_note
    del form


def test_pdfs(client, world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    client.force_login(world.supervisor)
    for name in ("plans:proposal_pdf", "plans:court_pdf"):
        response = client.get(reverse(name, args=[world.case.pk, version.number]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_send_through_the_view_records_the_service(client, world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    client.force_login(world.mediator)
    url = reverse("plans:version_send", args=[world.case.pk, version.number])
    page = client.get(url)
    initial = page.context["form"].initial["creditors"]
    assert sorted(initial) == sorted(creditors[k].pk for k in ("a", "b", "c"))
    response = client.post(
        url,
        {
            "creditors": initial,
            "sent_on": TODAY.isoformat(),
            "registered": "on",
            "postage": "8,40",
        },
    )
    assert response.status_code == 302
    service = Service.objects.get()
    assert (service.kind, service.quantity) == ("circular_letter", 3)
    mailing = PlanMailing.objects.get()
    response = client.get(reverse("plans:mailing_pdf", args=[world.case.pk, mailing.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_frozen_version_edit_redirects(client, world, creditors):
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    services.plan_approve(
        version=version,
        decision_date=date(2022, 8, 20),
        decision_reference="",
        by=world.mediator,
        today=TODAY,
    )
    client.force_login(world.mediator)
    response = client.get(reverse("plans:version_edit", args=[world.case.pk, 1]))
    assert response.status_code == 302
    response = client.post(
        reverse("plans:version_revise", args=[world.case.pk, 1]), {"reason": "Héritage"}
    )
    assert response.status_code == 302
    assert PlanVersion.objects.filter(case=world.case).count() == 2


def test_claim_privilege_and_nature_make_lines(world, creditors):
    Claim.objects.create(
        case=world.case,
        creditor=creditors["a"],
        principal=D("400.00"),
        declared_on=date(2022, 7, 2),
        status=ClaimStatus.ACCEPTED,
        nature=ClaimNature.CRIMINAL_FINE,
        privilege=Privilege.GENERAL,
    )
    basis = selectors.live_basis(world.case, date(2022, 9, 1))
    lines = [li for li in basis.lines if li.creditor_key == str(creditors["a"].pk)]
    assert [(li.privileged, li.non_remissible, li.admitted) for li in lines] == [
        (True, True, D("400.00")),
        (False, False, D("5000.00")),
    ]


def test_the_proposal_is_laid_out_as_one_cover_letter_at_a_time_was(world, creditors):
    """The cover letters are laid out in one document, then cut (issue #15: one layout, not
    one per creditor): the PDF reads page for page as when each cover letter was laid out on
    its own — each copy its cover letter to its creditor, then the whole plan."""
    version = services.plan_create(case=world.case, data=data(), by=world.mediator)
    view = selectors.compute(version)
    addressees, errors = selectors.mailing_addressees(
        case=world.case,
        creditor_ids=[creditors[k].pk for k in ("a", "b", "c")],
        copy_to_applicants=False,
    )
    assert not errors and len(addressees) == 3
    sent_on = date(2022, 8, 1)
    content = pdf.render_proposal_pdf(view, addressees=addressees, sent_on=sent_on, registered=True)
    plan = render_pdf(pdf.plan_html(view, on=sent_on, mode="proposal"))
    one_by_one = []
    for addressee in addressees:
        html = pdf.cover_html(view, addressee=addressee, sent_on=sent_on, registered=True)
        one_by_one += [render_pdf(html), plan]
    expected = join_pdf(one_by_one, main=plan)

    def texts(content_bytes):
        return [page.extract_text() for page in PdfReader(io.BytesIO(content_bytes)).pages]

    assert texts(content) == texts(expected)
    # each cover letter opens and closes with the salutation
    flat = " ".join(" ".join(texts(content)).split())
    assert flat.count("Madame, Monsieur,") == 2 * len(addressees)


@pytest.mark.parametrize("division", ["namur", "gent"])
def test_a_cover_letter_fits_on_one_page(world, creditors, division):
    """A cover letter is one A4 page, as a professional letter is, in French and in Dutch (the
    procedure's language: docs/court-documents.md), for a creditor with a long name, a long
    address and its reference, registered, two applicants, every figure of its claim shown."""
    case = world.case
    case.division = division
    case.save(update_fields=["division"])
    Applicant.objects.create(
        case=case, position=2, last_name="Vandenbroucke-Delvaux", first_name="Marie-Christine"
    )
    claim = Claim.objects.get(case=case, creditor=creditors["a"])
    claim.creditor_reference = "DOSS-2022/004518-VDB/RCD-Invordering"
    claim.save()
    long = creditors["a"]
    long.name = "Openbaar Centrum voor Maatschappelijk Welzijn van Sint-Jans-Molenbeek"
    long.address = (
        "Dienst Invordering en Geschillen\nT.a.v. mevrouw Van den Bossche-Verhaegen\n"
        "Koning Albert II-laan 35, bus 12\n1030 Schaarbeek\nBelgië"
    )
    long.save()
    version = services.plan_create(
        case=case, data=data(duration_months=60, monthly_available=D("95.37")), by=world.mediator
    )
    view = selectors.compute(version)
    addressees, errors = selectors.mailing_addressees(
        case=case, creditor_ids=[long.pk], copy_to_applicants=False
    )
    assert not errors and addressees[0].reference
    html = pdf.cover_html(view, addressee=addressees[0], sent_on=TODAY, registered=True)
    assert len(render_pdf(html).pages) == 1
    text = " ".join(
        " ".join(
            p.extract_text()
            for p in PdfReader(
                io.BytesIO(
                    pdf.render_proposal_pdf(
                        view, addressees=addressees, sent_on=TODAY, registered=True
                    )
                )
            ).pages[:1]
        ).split()
    )
    # the whole letter is on its page: the addressee's last line to the signature
    assert "België" in text and "VANDENBROUCKE-DELVAUX" in text.upper()
    closing = "salutations distinguées" if division == "namur" else "met de meeste hoogachting"
    signed = "Médiateur de dettes" if division == "namur" else "Schuldbemiddelaar"
    assert text.rindex(signed) > text.index(closing)
