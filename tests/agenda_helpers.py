"""What the agenda's screen, feed and digest tests share: a duty kind of their own (the real
kinds are tested with their apps), and a negotiation follow-up."""

from datetime import date, timedelta

import pytest

from agenda import registry
from agenda.models import Duty
from claims import services as claims_services
from contacts.models import Channel, Outcome
from contacts.services import ContactData, contact_record

KIND = "test_check"
LABEL = "Contrôle de test"


class ProbeKind:
    """Produces one duty ``offset`` days after the start of each window (for each offset), so
    that a forecast of (today, today + 7] is predictable; settles nothing by itself."""

    def __init__(self):
        self.offsets: list[int] = []
        self.produced_for: list[int] = []

    def produce(self, case, start, end):
        self.produced_for.append(case.pk)
        for offset in self.offsets:
            when = start + timedelta(days=offset)
            if start < when <= end:
                yield registry.DutySpec(kind=KIND, due_date=when, deadline=when)

    @staticmethod
    def url(duty):
        return f"/dossiers/{duty.case_id}/honoraires/#controle-{duty.due_date.isoformat()}"


@pytest.fixture(name="test_kind")
def test_kind_fixture():
    """Our kind, alone in the registry for the test."""
    kind = ProbeKind()
    saved = {k.code: k for k in registry.duty_kinds()}
    for code in saved:
        registry.unregister_duty_kind(code)
    registry.register_duty_kind(
        registry.DutyKind(code=KIND, label=LABEL, produce=kind.produce, url=kind.url)
    )
    yield kind
    registry.unregister_duty_kind(KIND)
    for saved_kind in saved.values():
        registry.register_duty_kind(saved_kind)


def duty(case, deadline: date, *, kind: str = KIND, due: date | None = None, **fields) -> Duty:
    return Duty.objects.create(
        case=case,
        kind=kind,
        due_date=due or deadline - timedelta(days=30),
        deadline=deadline,
        **fields,
    )


def follow_up(case, by, on: date, creditor_name: str = "Proximus SA"):
    creditor = claims_services.creditor_create(
        organisation=case.organisation, data=claims_services.ContactData(name=creditor_name)
    )
    data = ContactData(
        creditor=creditor,
        date=min(on, date.today()) - timedelta(days=1),
        channel=Channel.PHONE,
        summary="Proposition de plan.",
        outcome=Outcome.COUNTER_PROPOSAL,
        follow_up_on=on,
    )
    return contact_record(case=case, data=data, by=by)
