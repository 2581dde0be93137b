"""The creditors' declaration clocks (issue #11; claims.deadlines, claims.clocks): the periods in
Belgium, in the EU and outside it, before and after 9 January 2023; the registered reminder and
the forclusion recorded exactly once by the daily run; a late declaration before the forclusion;
the old "late declaration" checkbox migrated to a recorded forclusion; the declarations screen."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from agenda.models import Duty
from agenda.services import daily_run
from bundles.exporter import dumps, export_case
from bundles.importer import bundle_import
from bundles.schema import schema_problems
from cases.models import Case
from claims import deadlines
from claims.models import Claim, KnownCreditor, TimeBarReason
from claims.selectors import claims_table, declaration_rows
from claims.services import (
    ClaimData,
    ContactData,
    claim_create,
    claim_update,
    creditor_create,
    known_creditor_add,
    reminder_record,
    time_bar_lift,
    time_bar_record,
)
from fees.facts import case_facts

from .factories import make_case
from .test_cases import form_data

migration = importlib.import_module("claims.migrations.0005_time_barred_to_known_creditors")

DECL = deadlines.DECLARATION_DEADLINE
REMINDER = deadlines.REMINDER_DEADLINE
TIME_BAR = deadlines.TIME_BAR


# The periods (pure) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "zone"),
    [("BE", "be"), ("", "be"), ("be", "be"), ("FR", "eu"), ("EL", "eu"), ("GR", "eu")]
    + [("NL", "eu"), ("CH", "outside_eu"), ("GB", "outside_eu"), ("US", "outside_eu")],
)
def test_zone_of_the_creditors_country(country, zone):
    assert deadlines.zone_of(country) == zone


@pytest.mark.parametrize(
    ("notified_on", "country", "last_day"),
    [
        # before 9 January 2023: one month for every creditor; 15/01/2023 is a Sunday
        (date(2022, 12, 15), "BE", date(2023, 1, 16)),
        (date(2022, 12, 15), "FR", date(2023, 1, 16)),
        (date(2022, 12, 15), "US", date(2023, 1, 16)),
        (date(2023, 1, 6), "US", date(2023, 2, 6)),  # the day before the new rule
        # from 9 January 2023: one, three and five months
        (date(2023, 1, 9), "BE", date(2023, 2, 9)),
        # 09/04/2023 is Easter Sunday, 10/04 Easter Monday: Tuesday 11/04
        (date(2023, 1, 9), "FR", date(2023, 4, 11)),
        (date(2023, 1, 9), "US", date(2023, 6, 9)),
        (date(2023, 2, 1), "BE", date(2023, 3, 1)),
        (date(2023, 2, 1), "DE", date(2023, 5, 2)),  # 01/05 is Labour Day
        (date(2023, 2, 1), "CH", date(2023, 7, 3)),  # 01/07/2023 is a Saturday
    ],
)
def test_declaration_last_day(notified_on, country, last_day):
    assert deadlines.declaration_last_day(notified_on, country) == last_day


@pytest.mark.parametrize(
    ("received_on", "country", "last_day"),
    [
        (date(2023, 5, 2), "BE", date(2023, 5, 17)),
        (date(2023, 5, 2), "FR", date(2023, 6, 1)),
        (date(2023, 5, 2), "US", date(2023, 6, 21)),
        (date(2022, 12, 20), "US", date(2023, 1, 4)),  # received before 9/1/2023: 15 days
        (date(2023, 5, 3), "BE", date(2023, 5, 19)),
    ],
)
def test_reminder_last_day(received_on, country, last_day):
    # 18/05/2023 is Ascension Day: the last day moves to Friday 19/05
    assert deadlines.reminder_last_day(received_on, country) == last_day


def test_month_ends_and_holidays():
    assert deadlines.add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert deadlines.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert deadlines.add_months(date(2023, 10, 31), 3) == date(2024, 1, 31)
    assert deadlines.easter(2024) == date(2024, 3, 31)
    assert date(2024, 5, 9) in deadlines.legal_holidays(2024)  # Ascension 2024
    assert deadlines.next_working_day(date(2023, 12, 23)) == date(2023, 12, 26)


# The calendar --------------------------------------------------------------------------


@pytest.fixture
def clocks(world):
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2023-1",
        admissibility_date=date(2023, 1, 20),
        creditors_notified_on=date(2023, 2, 1),
    )

    def creditor(name, country="BE"):
        found = creditor_create(
            organisation=world.org, data=ContactData(name=name, country=country)
        )
        known_creditor_add(case=case, creditor=found, today=date(2023, 2, 2))
        return found

    return case, creditor


def declare(case, creditor, on, amount="100.00"):
    return claim_create(
        case=case,
        data=ClaimData(creditor=creditor, principal=Decimal(amount), declared_on=on),
    )


def duties(case, kind):
    return sorted(
        Duty.objects.filter(case=case, kind=kind).values_list(
            "subject", "due_date", "deadline", "settled_on"
        )
    )


def known(case, creditor):
    return KnownCreditor.objects.get(case=case, creditor=creditor)


def test_declaration_deadlines_in_belgium_the_eu_and_outside(clocks):
    case, creditor = clocks
    proximus, ing_fr, swiss = (
        creditor("Proximus"),
        creditor("BNP France", "FR"),
        creditor("UBS", "CH"),
    )
    in_time = creditor("Engie")
    declare(case, in_time, date(2023, 2, 20))
    # known creditors added once the notification date is set are in the agenda at once
    assert duties(case, DECL) == [
        (f"creditor:{proximus.pk}", date(2023, 3, 1), date(2023, 3, 1), None),
        (f"creditor:{ing_fr.pk}", date(2023, 5, 2), date(2023, 5, 2), None),
        (f"creditor:{swiss.pk}", date(2023, 7, 3), date(2023, 7, 3), None),
        (f"creditor:{in_time.pk}", date(2023, 3, 1), date(2023, 3, 1), date(2023, 2, 20)),
    ]
    result = daily_run(run_date=date(2023, 7, 3), catch_up_days=200)
    assert result.created[DECL] == 0  # already recorded: exactly once
    rows = {row.creditor.name: row for row in declaration_rows(case)}
    assert rows["UBS"].declaration_last_day == date(2023, 7, 3)
    assert rows["Engie"].declared_in_time and not rows["Proximus"].declared_in_time


def test_the_run_records_the_deadline_of_a_creditor_known_before_the_notification(world):
    case = make_case(
        organisation=world.org,
        mediator=world.mediator,
        reference="NAM-2022-9",
        admissibility_date=date(2022, 11, 30),
    )
    late = creditor_create(organisation=world.org, data=ContactData(name="Orange", country="BE"))
    known_creditor_add(case=case, creditor=late, today=date(2022, 12, 2))
    assert duties(case, DECL) == []  # no notification date: no clock yet
    case.creditors_notified_on = date(2022, 12, 15)
    case.save()
    daily_run(run_date=date(2023, 1, 10), catch_up_days=30)
    assert duties(case, DECL) == []
    result = daily_run(run_date=date(2023, 1, 16))
    assert result.created[DECL] == 1
    assert duties(case, DECL) == [
        (f"creditor:{late.pk}", date(2023, 1, 16), date(2023, 1, 16), None)
    ]


def test_reminder_then_forclusion_exactly_once_even_when_the_run_is_repeated(clocks):
    case, creditor = clocks
    orange, other = creditor("Orange"), creditor("Base")
    reminder_record(
        known=known(case, orange),
        sent_on=date(2023, 4, 28),
        received_on=date(2023, 5, 2),
        today=date(2023, 5, 3),
    )
    assert duties(case, REMINDER) == [
        (f"creditor:{orange.pk}", date(2023, 5, 2), date(2023, 5, 17), None)
    ]
    first = daily_run(run_date=date(2023, 5, 17), catch_up_days=120)
    assert first.created[TIME_BAR] == 0  # the whole last day is the creditor's
    assert known(case, orange).time_barred_on is None
    second = daily_run(run_date=date(2023, 5, 18))
    assert second.created[TIME_BAR] == 1
    record = known(case, orange)
    assert record.time_barred_on == date(2023, 5, 18)
    assert record.time_barred_reason == TimeBarReason.REMINDER_EXPIRED
    assert "02/05/2023" in record.time_barred_note and "17/05/2023" in record.time_barred_note
    recorded_at = record.time_barred_recorded_at
    # the reminder and declaration duties are settled by the forclusion, the record itself too
    assert duties(case, REMINDER)[0][3] == date(2023, 5, 18)
    settled = {subject: on for subject, _due, _deadline, on in duties(case, DECL)}
    assert settled[f"creditor:{orange.pk}"] == date(2023, 5, 18)
    assert duties(case, TIME_BAR) == [
        (f"creditor:{orange.pk}", date(2023, 5, 18), date(2023, 5, 18), date(2023, 5, 18))
    ]
    # repeated runs (and a run from scratch over the same days) foreclose nothing twice
    for run_date in (date(2023, 5, 18), date(2023, 6, 30)):
        again = daily_run(run_date=run_date)
        assert again.created[TIME_BAR] == 0
    assert known(case, orange).time_barred_recorded_at == recorded_at
    assert Duty.objects.filter(case=case, kind=TIME_BAR).count() == 1
    assert known(case, other).time_barred_on is None  # no reminder: never foreclosed
    # a declaration after the forclusion is time-barred: counted for 2,1°, not in the plan
    claim = declare(case, orange, date(2023, 5, 25))
    assert claim.time_barred
    row = next(r for r in claims_table(case).rows if r.creditor == orange)
    assert row.all_time_barred and row.time_barred.time_barred_on == date(2023, 5, 18)
    facts = case_facts(case)
    assert [c.all_claims_time_barred for c in facts.creditors] == [True]


def test_a_late_declaration_before_the_forclusion_settles_the_clocks(clocks):
    case, creditor = clocks
    orange = creditor("Orange", "FR")
    reminder_record(
        known=known(case, orange),
        sent_on=date(2023, 5, 10),
        received_on=date(2023, 5, 12),
        today=date(2023, 5, 12),
    )
    # FR: 30 days from 12/05/2023 -> 11/06/2023 (a Sunday) -> Monday 12/06
    assert duties(case, REMINDER)[0][2] == date(2023, 6, 12)
    claim = declare(case, orange, date(2023, 6, 12))  # the last day: in time
    assert not claim.time_barred
    assert duties(case, DECL)[0][3] == date(2023, 6, 12)
    assert duties(case, REMINDER)[0][3] == date(2023, 6, 12)
    result = daily_run(run_date=date(2023, 7, 1), catch_up_days=150)
    assert result.created[TIME_BAR] == 0
    assert known(case, orange).time_barred_on is None
    assert Duty.objects.filter(case=case, settled_on__isnull=True).count() == 0


def test_the_run_settles_a_declaration_entered_without_the_service(clocks):
    """The kind's ``settled`` hook: a claim that reached the database otherwise (an import,
    the admin) settles the creditor's duty at the next run, on its declaration date."""
    case, creditor = clocks
    orange = creditor("Orange")
    Claim.objects.create(
        case=case, creditor=orange, principal=Decimal("50.00"), declared_on=date(2023, 3, 6)
    )
    result = daily_run(run_date=date(2023, 3, 10), catch_up_days=40)
    assert result.settled[DECL] == 1
    assert duties(case, DECL)[0][3] == date(2023, 3, 6)


def test_a_reminder_entered_after_its_last_day_forecloses_at_once(clocks):
    case, creditor = clocks
    orange = creditor("Orange")
    daily_run(run_date=date(2023, 6, 1), catch_up_days=150)
    record = reminder_record(
        known=known(case, orange),
        sent_on=date(2023, 3, 10),
        received_on=date(2023, 3, 14),
        today=date(2023, 6, 5),
    )
    assert record.time_barred_on == date(2023, 3, 30)  # 29/03 was the last day
    assert record.time_barred_reason == TimeBarReason.REMINDER_EXPIRED
    again = daily_run(run_date=date(2023, 6, 5))
    assert again.created[TIME_BAR] == 0 and again.created[REMINDER] == 0
    assert Duty.objects.filter(case=case, kind=TIME_BAR).count() == 1


def test_reminder_refusals(clocks, world):
    case, creditor = clocks
    orange = creditor("Orange")
    record = known(case, orange)
    cases = [
        ({"sent_on": date(2023, 3, 1), "received_on": None}, "sent_on"),  # the last day itself
        ({"sent_on": date(2023, 3, 10), "received_on": date(2023, 3, 9)}, "received_on"),
        ({"sent_on": date(2023, 3, 10), "received_on": date(2023, 3, 20)}, "received_on"),
        ({"sent_on": None, "received_on": None}, "sent_on"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as exc:
            reminder_record(known=record, today=date(2023, 3, 15), **data)
        assert field in exc.value.message_dict
    declare(case, orange, date(2023, 3, 14))
    with pytest.raises(ValidationError) as exc:
        reminder_record(
            known=record, sent_on=date(2023, 3, 10), received_on=None, today=date(2023, 3, 15)
        )
    assert "14/03/2023" in exc.value.messages[0]
    record.refresh_from_db()
    assert record.reminder_sent_on is None  # nothing half-saved
    unnotified = make_case(organisation=world.org, mediator=world.mediator, reference="X-1")
    other = creditor_create(organisation=world.org, data=ContactData(name="Base"))
    known_creditor_add(case=unnotified, creditor=other)
    with pytest.raises(ValidationError, match="notification"):
        reminder_record(known=known(unnotified, other), sent_on=date(2023, 3, 10), received_on=None)
    with pytest.raises(ValidationError):
        known_creditor_add(case=unnotified, creditor=other)  # already known


def test_a_forclusion_by_hand_marks_later_claims_and_can_be_lifted(clocks, world):
    case, creditor = clocks
    orange = creditor("Orange")
    early = declare(case, orange, date(2023, 2, 10))
    with pytest.raises(ValidationError) as exc:
        time_bar_record(known=known(case, orange), on=date(2023, 4, 1), note=" ", by=world.mediator)
    assert "note" in exc.value.message_dict
    time_bar_record(
        known=known(case, orange),
        on=date(2023, 4, 1),
        note="Ordonnance du juge",
        by=world.mediator,
        today=date(2023, 4, 2),
    )
    late = declare(case, orange, date(2023, 4, 3))
    early.refresh_from_db()
    assert late.time_barred and not early.time_barred
    record = known(case, orange)
    assert record.time_barred_reason == TimeBarReason.BY_HAND
    assert record.time_barred_by == world.mediator
    time_bar_lift(known=record, by=world.mediator)
    late.refresh_from_db()
    assert not late.time_barred and known(case, orange).time_barred_on is None


def test_the_old_checkbox_is_migrated_to_a_recorded_forclusion(world):
    case = make_case(organisation=world.org, mediator=world.mediator, reference="M-1")
    chu = creditor_create(organisation=world.org, data=ContactData(name="CHU"))
    proximus = creditor_create(organisation=world.org, data=ContactData(name="Proximus"))
    for creditor, declared_on, barred in [
        (chu, date(2022, 9, 1), True),
        (chu, date(2022, 10, 1), True),
        (proximus, date(2022, 7, 1), False),
    ]:
        Claim.objects.create(
            case=case,
            creditor=creditor,
            principal=Decimal("10.00"),
            declared_on=declared_on,
            time_barred=barred,
        )
    KnownCreditor.objects.filter(case=case).delete()
    migration.forward(django_apps, None)
    migration.forward(django_apps, None)  # a second pass changes nothing
    chu_record = KnownCreditor.objects.get(case=case, creditor=chu)
    assert chu_record.time_barred_on == date(2022, 9, 1)
    assert chu_record.time_barred_reason == TimeBarReason.BEFORE_CALENDAR
    assert KnownCreditor.objects.get(case=case, creditor=proximus).time_barred_on is None
    assert KnownCreditor.objects.filter(case=case).count() == 2
    # the claims keep their flag, and editing one keeps it time-barred
    claim = Claim.objects.get(case=case, creditor=chu, declared_on=date(2022, 10, 1))
    claim = claim_update(
        claim=claim,
        data=ClaimData(creditor=chu, principal=Decimal("12.00"), declared_on=claim.declared_on),
    )
    assert claim.time_barred


def test_a_bundles_time_barred_claim_records_a_forclusion_by_hand(world):
    case = make_case(organisation=world.org, mediator=world.mediator, reference="B-1")
    chu = creditor_create(organisation=world.org, data=ContactData(name="CHU"))
    claim = claim_create(
        case=case,
        data=ClaimData(
            creditor=chu, principal=Decimal("10.00"), declared_on=date(2022, 9, 1), time_barred=True
        ),
    )
    assert claim.time_barred
    record = known(case, chu)
    assert record.time_barred_on == date(2022, 9, 1)
    assert record.time_barred_reason == TimeBarReason.BY_HAND


# The screens ---------------------------------------------------------------------------


def test_declarations_screen_records_a_reminder_and_shows_the_forclusion(client, clocks, world):
    case, creditor = clocks
    orange = creditor("Orange", "US")
    client.force_login(world.mediator)
    url = reverse("claims:reminder_record", args=[case.pk, known(case, orange).pk])
    response = client.post(url, {"sent_on": "01/08/2023", "received_on": "03/08/2023"})
    assert response.status_code == 302
    record = known(case, orange)
    assert record.reminder_received_on == date(2023, 8, 3)
    # US: 50 days from 03/08/2023 -> 22/09/2023; forclosed from 23/09 by the run
    daily_run(run_date=date(2023, 9, 23), catch_up_days=300)
    page = client.get(reverse("claims:declarations", args=[case.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "22/09/2023" in text and "23/09/2023" in text and "Forclos" in text
    tab = client.get(reverse("claims:case_claims", args=[case.pk])).content.decode()
    assert (
        "claims:declarations" not in tab and reverse("claims:declarations", args=[case.pk]) in tab
    )


def test_declarations_screen_refuses_bad_input_with_a_message(client, clocks, world):
    case, creditor = clocks
    orange = creditor("Orange")
    client.force_login(world.mediator)
    url = reverse("claims:reminder_record", args=[case.pk, known(case, orange).pk])
    response = client.post(url, {"sent_on": "31/02/2023"}, follow=True)
    assert response.status_code == 200
    assert known(case, orange).reminder_sent_on is None
    assert "Rappel recommandé envoyé le" in response.content.decode()
    response = client.post(
        reverse("claims:known_creditor_add", args=[case.pk]), {"creditor": orange.pk}, follow=True
    )
    assert "déjà un créancier connu" in response.content.decode()
    other = creditor_create(organisation=world.other_org, data=ContactData(name="Étranger"))
    response = client.post(
        reverse("claims:known_creditor_add", args=[case.pk]), {"creditor": other.pk}, follow=True
    )
    assert not KnownCreditor.objects.filter(case=case, creditor=other).exists()


# The bundle ----------------------------------------------------------------------------


def test_the_bundle_carries_the_notification_date_and_the_creditors_country(clocks):
    case, creditor = clocks
    abroad = creditor("BNP France", "FR")
    declare(case, abroad, date(2023, 4, 20))
    declare(case, creditor("Proximus"), date(2023, 2, 20))
    document = export_case(case)
    assert schema_problems(document) == []
    assert document["extensions"]["case"]["creditors_notified_on"] == "2023-02-01"
    details = document["extensions"]["creditors"]
    assert [d.get("country") for d in details.values()].count("FR") == 1
    assert all("country" not in d or d["country"] == "FR" for d in details.values())
    imported = bundle_import(document=document, organisation_slug="elsewhere")
    assert imported.creditors_notified_on == date(2023, 2, 1)
    copied = Claim.objects.get(case=imported, creditor__name="BNP France").creditor
    assert copied.country == "FR" and copied.organisation.slug == "elsewhere"
    assert dumps(export_case(imported)) == dumps(document)


def test_the_case_form_records_the_notification_to_the_creditors(client, world):
    client.force_login(world.mediator)
    data = form_data(mediator=world.mediator.pk, creditors_notified_on="10/02/2024")
    response = client.post(reverse("cases:create"), data)
    assert "creditors_notified_on" in response.context["form"].errors  # before admissibility
    assert not Case.objects.filter(reference="NAM-2024-0101").exists()
    data["creditors_notified_on"] = "20/02/2024"
    assert client.post(reverse("cases:create"), data).status_code == 302
    case = Case.objects.get(reference="NAM-2024-0101")
    assert case.creditors_notified_on == date(2024, 2, 20)
    page = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert 'value="20/02/2024"' in page
    assert "20/02/2024" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
