from datetime import date
from decimal import Decimal

import factory

from accounts.models import ClerkDivision, Organisation, Profession, User
from accounts.services import organisation_create
from cases.services import ApplicantData, CaseData, case_create
from core.roles import Role
from ledger.services import EntryData, entry_post

PASSWORD = "test-pass-123"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.CPAS

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return organisation_create(**kwargs)  # with what other apps need (letter templates)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_BE")
    last_name = factory.Faker("last_name", locale="fr_BE")
    role = Role.MEDIATOR
    organisation = factory.SubFactory(OrganisationFactory)
    profession = Profession.CPAS

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save()


def make_clerk(*divisions: str, **kwargs) -> User:
    clerk = UserFactory(role=Role.CLERK, organisation=None, **kwargs)
    for division in divisions:
        ClerkDivision.objects.create(clerk=clerk, division=division)
    return clerk


def make_case(
    *,
    organisation: Organisation,
    mediator: User,
    reference: str = "NAM-2022-0042",
    division: str = "namur",
    admissibility_date: date = date(2022, 6, 15),
    applicants: list[ApplicantData] | None = None,
    **fields,
):
    data = CaseData(
        reference=reference,
        division=division,
        admissibility_date=admissibility_date,
        **fields,
    )
    return case_create(
        organisation=organisation,
        mediator=mediator,
        data=data,
        applicants=applicants
        or [ApplicantData(last_name="Dubois", first_name="Marie", national_number="85073003328")],
        created_by=mediator,
    )


def post_entry(world, day, direction, amount, category, *, today, **kw):
    """A journal entry posted on ``world.case`` by its mediator (``amount`` as text)."""
    return entry_post(
        case=world.case,
        data=EntryData(
            value_date=day, direction=direction, amount=Decimal(amount), category=category, **kw
        ),
        by=world.mediator,
        today=today,
    )
