"""SEPA credit transfers out: the pain.001 file of a payment batch (sepaxml, XSD-validated).

sepaxml writes the remittance information as free text (``Ustrd``) only; a Belgian structured
communication goes, as the Febelfin guidelines ask, in ``Strd/CdtrRefInf`` with type ``SCOR``
and issuer ``BBA`` — the file is validated against the XSD after that change.
"""

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

import sepaxml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer
from text_unidecode import unidecode

SCHEMA = "pain.001.001.03"

# The countries of the SEPA credit transfer scheme (EPC409-09, list of countries and
# territories, 2025): the EU, the EEA, and Albania, Andorra, Monaco, Montenegro, Moldova, North
# Macedonia, San Marino, Switzerland, the United Kingdom, the Vatican, and the territories with
# their own IBAN prefix (Gibraltar, Guernsey, Jersey, Isle of Man, Saint-Pierre-et-Miquelon…).
SEPA_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
        "CH",
        "GB",
        "SM",
        "VA",
        "MC",
        "AD",
        "AL",
        "ME",
        "MD",
        "MK",
        "GI",
        "GG",
        "JE",
        "IM",
        "PM",
        "BL",
        "MF",
        "GF",
        "GP",
        "MQ",
        "RE",
        "YT",
        "AX",
    ]
)

# The SEPA character set (EPC guidelines, "Latin character set"): what every bank accepts.
SEPA_CHARACTER = re.compile(r"[A-Za-z0-9/?:().,'+ -]")
_REPLACEMENTS = {"&": "+", "«": "'", "»": "'", '"': "'", "“": "'", "”": "'", "’": "'", "€": "EUR"}


def sepa_country_error(iban: str) -> str:
    """Why a transfer to ``iban`` cannot go in a SEPA file ('' when it can)."""
    country = (iban or "")[:2].upper()
    if country and country not in SEPA_COUNTRIES:
        return _(
            "IBAN %(country)s : ce pays est hors de la zone SEPA, un virement SEPA ne peut y "
            "être envoyé."
        ) % {"country": country}
    return ""


def sepa_text(value: str) -> str:
    """``value`` in the SEPA character set: accents and ligatures transliterated (é → e,
    œ → oe), ``&`` → ``+``, quotes → ``'``, any other character (``< > # _ @ ;``, an emoji)
    dropped; spaces collapsed. Empty when nothing of ``value`` can be sent."""
    text = "".join(_REPLACEMENTS.get(c, c) for c in value or "")
    text = "".join(c if SEPA_CHARACTER.fullmatch(c) else unidecode(c) for c in text)
    text = "".join(c if SEPA_CHARACTER.fullmatch(c) else " " for c in text)
    return " ".join(text.split())


def sepa_text_error(value: str, what: str) -> str:
    """A text that would vanish from the transfer (an emoji-only communication) is refused."""
    if (value or "").strip() and not sepa_text(value):
        return _(
            "%(what)s ne contient aucun caractère admis dans un virement SEPA (lettres latines, "
            "chiffres, espace et / - ? : ( ) . , ' +) : rien n'en resterait dans le virement."
        ) % {"what": what}
    return ""


@dataclass
class Transfer:
    name: str
    iban: str
    amount: Decimal
    end_to_end_id: str
    bic: str = ""
    communication: str = ""  # free text
    structured: str = ""  # 12 digits


@dataclass
class Pain001:
    message_id: str
    content: bytes


class _BelgianTransfer(SepaTransfer):
    """sepaxml's transfer, with structured (BBA) remittance information when given."""

    def _add_batch(self, TX_nodes, payment):  # noqa: N803 (sepaxml's names)
        super()._add_batch(TX_nodes, payment)
        reference = payment.get("structured_reference")
        remittance = TX_nodes["RmtInfNode"]
        if not reference:
            if not payment.get("description"):  # no remittance information at all
                TX_nodes["CdtTrfTxInfNode"].remove(remittance)
            return
        remittance.remove(TX_nodes["UstrdNode"])
        strd = ET.SubElement(remittance, "Strd")
        info = ET.SubElement(strd, "CdtrRefInf")
        kind = ET.SubElement(info, "Tp")
        code = ET.SubElement(kind, "CdOrPrtry")
        ET.SubElement(code, "Cd").text = "SCOR"
        ET.SubElement(kind, "Issr").text = "BBA"
        ET.SubElement(info, "Ref").text = reference


def cents(amount: Decimal) -> int:
    value = amount * 100
    if value != value.to_integral_value():
        raise ValueError("amount with more than two decimals")
    return int(value)


def write_pain001(
    *,
    debtor_name: str,
    debtor_iban: str,
    debtor_bic: str,
    execution_date: date,
    transfers: list[Transfer],
) -> Pain001:
    for transfer in transfers:  # the services refuse them first; never write a wrong file
        error = sepa_country_error(transfer.iban) or sepa_text_error(
            transfer.communication, _("La communication")
        )
        if error or not sepa_text(transfer.name):
            raise ValidationError(error or _("Le nom du bénéficiaire est illisible en SEPA."))
    config = {
        "name": sepa_text(debtor_name)[:70],
        "IBAN": debtor_iban,
        "batch": True,
        "currency": "EUR",
    }
    if debtor_bic:
        config["BIC"] = debtor_bic
    sepa = _BelgianTransfer(config, schema=SCHEMA, clean=True)
    for transfer in transfers:
        payment = {
            "name": sepa_text(transfer.name)[:70],
            "IBAN": transfer.iban,
            "amount": cents(transfer.amount),
            "execution_date": execution_date,
            "description": sepa_text(transfer.communication)[:140] or transfer.structured or "",
            "endtoend_id": transfer.end_to_end_id,
        }
        if transfer.bic:
            payment["BIC"] = transfer.bic
        if transfer.structured:
            payment["structured_reference"] = transfer.structured
        sepa.add_payment(payment)
    content = sepa.export(validate=False, pretty_print=True)
    validate_pain001(content)
    return Pain001(message_id=sepa.msg_id, content=content)


@lru_cache(maxsize=1)
def _schema():
    import xmlschema  # imported late, as sepaxml does (it patches ElementTree)

    return xmlschema.XMLSchema(
        os.path.join(os.path.dirname(sepaxml.__file__), "schemas", f"{SCHEMA}.xsd")
    )


def validate_pain001(content: bytes) -> None:
    """sepaxml's own XSD check (its bundled pain.001.001.03 schema), with the schema loaded
    once per process instead of once per file."""
    import xmlschema

    try:
        _schema().validate(content.decode("utf-8"))
    except xmlschema.XMLSchemaValidationError as exc:
        raise ValidationError(
            _("Le fichier SEPA pain.001 n'est pas conforme au schéma XSD : %(reason)s")
            % {"reason": exc.reason or exc.message}
        ) from exc


def batch_references(pain_xml: str) -> set[str]:
    """The identifiers a bank may give back for a pain.001 file it debited as one amount: the
    message id (``GrpHdr/MsgId``) and each payment information id (``PmtInf/PmtInfId``)."""
    if not pain_xml:
        return set()
    try:  # our own file, written by write_pain001
        root = ET.fromstring(pain_xml.encode("utf-8"))
    except ET.ParseError:
        return set()
    found = set()
    for node in root.iter():
        tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
        if tag in ("MsgId", "PmtInfId") and (node.text or "").strip():
            found.add(node.text.strip())
    return found
