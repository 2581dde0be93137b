"""Validators for Belgian identifiers (python-stdnum): national register / BIS numbers, IBANs."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban
from stdnum.be import bis, nn
from stdnum.exceptions import ValidationError as StdnumError

from core.crypto import keyed_hash


def normalise_national_number(value: str) -> str:
    return nn.compact(value or "")


def national_number_hash(value: str) -> str:
    """The keyed hash of a national number, searched instead of the number itself (which is
    encrypted at rest, ``Applicant.national_number``); empty for an empty number."""
    return keyed_hash(normalise_national_number(value))


def looks_like_national_number(value: str) -> bool:
    number = normalise_national_number(value)
    return len(number) == 11 and number.isdigit()


def validate_national_number(value: str) -> None:
    """A Belgian national register number (NN) or BIS number, checksum included."""
    if not value:
        return
    number = nn.compact(value)
    if nn.is_valid(number) or bis.is_valid(number):
        return
    raise ValidationError(
        _(
            "« %(value)s » n'est pas un numéro de registre national valide (11 chiffres, clé de "
            "contrôle)."
        ),
        params={"value": value},
        code="invalid_national_number",
    )


def national_number_birth_date(value: str):
    """Birth date encoded in an NN/BIS number, or None when it is not fully known."""
    number = nn.compact(value or "")
    for module in (nn, bis):
        try:
            if module.is_valid(number):
                return module.get_birth_date(number)
        except StdnumError:
            return None
    return None


def mask_national_number(value: str) -> str:
    """85073003328 -> '••.••.••-•••.28' (only the check digits stay visible)."""
    if not value:
        return ""
    number = nn.compact(value)
    return f"••.••.••-•••.{number[-2:]}"


def format_national_number(value: str) -> str:
    if not value:
        return ""
    try:
        return nn.format(value)
    except StdnumError:
        return value


def normalise_iban(value: str) -> str:
    return iban.compact(value or "")


def validate_iban(value: str) -> None:
    if not value:
        return
    try:
        iban.validate(value)
    except StdnumError:
        raise ValidationError(
            _("« %(value)s » n'est pas un IBAN valide."),
            params={"value": value},
            code="invalid_iban",
        ) from None
