"""Write services for organisations (keyword-only, atomic).

An organisation is created through ``organisation_create`` (or ``organisation_get_or_create``);
what other apps need for a new organisation is done in the same transaction by the callbacks
registered with ``on_organisation_created``. ``accounts`` is the lowest layer and imports none of
those apps: each one registers its own callback from its ``AppConfig.ready()`` (``letters``
creates the organisation's default letter templates). No Django signal: the callbacks run only
when an organisation is created through this module, in the order they were registered, and an
error in one of them undoes the creation.
"""

from collections.abc import Callable

from django.db import transaction

from .models import Organisation

OrganisationCallback = Callable[[Organisation], object]

_on_created: list[OrganisationCallback] = []


def on_organisation_created(callback: OrganisationCallback) -> OrganisationCallback:
    """Register ``callback(organisation)``, called for every organisation created from now on
    (registering the same callback twice has no effect). Usable as a decorator."""
    if callback not in _on_created:
        _on_created.append(callback)
    return callback


def organisation_created(organisation: Organisation) -> None:
    """Run the registered callbacks for a new, saved organisation. For a caller that saves the
    organisation itself (the admin's form); everyone else calls ``organisation_create``."""
    if organisation.pk is None:
        raise ValueError("the organisation is not saved")
    with transaction.atomic():
        for callback in _on_created:
            callback(organisation)


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    kind: str,
    enterprise_number: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
) -> Organisation:
    """Create an organisation (validated) and what the other apps need for it."""
    organisation = Organisation(
        name=name,
        slug=slug,
        kind=kind,
        enterprise_number=enterprise_number,
        address=address,
        phone=phone,
        email=email,
    )
    organisation.full_clean()
    organisation.save()
    organisation_created(organisation)
    return organisation


@transaction.atomic
def organisation_get_or_create(*, slug: str, defaults: dict) -> tuple[Organisation, bool]:
    """The organisation with this slug, or a new one made of ``defaults`` (as
    ``QuerySet.get_or_create``); a new one gets what the other apps need for it."""
    organisation, created = Organisation.objects.get_or_create(slug=slug, defaults=defaults)
    if created:
        organisation_created(organisation)
    return organisation, created
