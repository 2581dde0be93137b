"""Bank statements in: CODA (Febelfin, pycoda) and CAMT.053 (ISO 20022, pycamt) files read into
plain movement objects (``shared/domain/banking.md``).

A file is checked whole before anything is returned: the first record (CODA line) or XML element
at fault is named in a ``StatementFileError`` and nothing of the file is used. Amounts are
``Decimal`` read from the bank's own digits (CODA: 15 digits, three implied decimals; CAMT: the
decimal text), never from the libraries' floats.

A movement's identity comes from the bank's own data only, so that re-importing the same or an
overlapping file finds the same identities:

- CODA: the account IBAN, the statement number (record 1), the movement's continuous sequence
  and detail numbers (record 2.1), its booking and value dates and its signed amount;
- CAMT.053: the account IBAN, the bank's reference of the entry (``AcctSvcrRef``), the value
  date and the signed amount (plus the detail's reference or position inside a batch entry);
- CAMT.053 without a bank reference: what the movement is — the account, its booking and value
  dates, its signed amount, the counterparty's account and the communication — and its rank
  among the identical movements of that day in the file (``content_identity``). Message ids,
  statement ids and positions change from one download to the next; these do not, so the same
  month downloaded twice is recognised.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iban as std_iban
from stdnum.be import iban as be_iban
from stdnum.be import ogm_vcs

from core.ibans import is_valid_iban
from core.money import CENT

CODA = "coda"
CAMT053 = "camt053"

THOUSANDTH = Decimal("0.001")


class StatementFileError(ValidationError):
    """The file is malformed: rejected whole. The message names the record or element."""


@dataclass
class ParsedMovement:
    account_iban: str
    statement_number: str
    sequence: str
    value_date: date
    booking_date: date | None
    amount: Decimal  # signed: credit > 0, debit < 0
    identity: str
    currency: str = "EUR"
    bank_reference: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    counterparty_bic: str = ""
    communication: str = ""  # free text, or the structured one as +++123/4567/89012+++
    structured_communication: str = ""  # the 12 digits of a valid structured communication
    end_to_end_id: str = ""
    source: str = ""  # where it is in the file ("ligne 5", "<Ntry> ligne 40")
    reversal: bool = False  # the bank reverses an earlier movement (CAMT <RvslInd>, CODA 49/99)
    # A SEPA transfer we sent that the bank brings back (an R-transaction: CAMT <RtrInf>, CODA
    # record 2.2 type 1/2 or transaction 54): a reversal of that payment, with the ISO reason.
    returned: bool = False
    return_reason: str = ""
    # A whole pain.001 batch debited as one amount (CAMT <Btch>): its payment information id
    # (or message id) and its number of transfers, when the bank gives them.
    batch_reference: str = ""
    batch_count: int | None = None
    # A detail of a globalised movement: the identity of its total, under which an earlier
    # version of the import knew it (re-importing that file posts nothing twice).
    total_identity: str = ""

    @property
    def is_credit(self) -> bool:
        return self.amount > 0


@dataclass
class ParsedStatement:
    account_iban: str
    number: str
    old_balance: Decimal | None
    new_balance: Decimal | None
    new_balance_date: date | None
    movements: list[ParsedMovement] = field(default_factory=list)


@dataclass
class ParsedFile:
    format: str
    statements: list[ParsedStatement]
    warnings: list[str] = field(default_factory=list)  # read, but something to know

    @property
    def movements(self) -> list[ParsedMovement]:
        return [m for s in self.statements for m in s.movements]


def detect_format(content: bytes) -> str:
    head = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    if head.startswith(b"<"):
        return CAMT053
    if re.match(rb"0{5}\d{9}05[ D] {7}", head):
        return CODA
    raise StatementFileError(
        _("Format de fichier non reconnu : ce n'est ni un extrait CODA ni un relevé CAMT.053.")
    )


def parse_statement_file(content: bytes) -> ParsedFile:
    if not content.strip():
        raise StatementFileError(_("Le fichier est vide."))
    kind = detect_format(content)
    return parse_coda(content) if kind == CODA else parse_camt053(content)


def content_identity(
    *,
    account_iban: str,
    booking_date: date | None,
    value_date: date,
    amount: Decimal,
    counterparty_iban: str,
    communication: str,
    rank: int,
) -> str:
    """The identity of a movement the bank gives no reference for (``migrations/0003`` keeps a
    frozen copy to rewrite the identities stored before it)."""
    what = "\n".join([counterparty_iban[:34], " ".join(communication[:500].split())])
    return "|".join(
        [
            "CAMT",
            account_iban,
            booking_date.isoformat() if booking_date else "",
            value_date.isoformat(),
            f"{amount:.2f}",
            hashlib.sha256(what.encode("utf-8")).hexdigest()[:24],
            str(rank),
        ]
    )


def _content_identities(movements: list[ParsedMovement]) -> None:
    """Give the movements without a bank reference their identity: identical movements of the
    same day are told apart by their rank in the file."""
    seen: dict[tuple, int] = {}
    for movement in movements:
        if movement.identity:
            continue
        key = (
            movement.account_iban,
            movement.booking_date,
            movement.value_date,
            movement.amount,
            movement.counterparty_iban[:34],
            " ".join(movement.communication[:500].split()),
        )
        rank = seen.get(key, 0)
        seen[key] = rank + 1
        movement.identity = content_identity(
            account_iban=movement.account_iban,
            booking_date=movement.booking_date,
            value_date=movement.value_date,
            amount=movement.amount,
            counterparty_iban=movement.counterparty_iban,
            communication=movement.communication,
            rank=rank,
        )


# Structured communications --------------------------------------------------------------------


def structured_digits(text: str) -> str:
    """The 12 digits of a valid Belgian structured communication in ``text``, else ''."""
    if not text:
        return ""
    candidate = text.strip()
    if not re.fullmatch(r"[+*]{0,3}\s*\d{3}\s*/?\s*\d{4}\s*/?\s*\d{5}\s*[+*]{0,3}", candidate):
        return ""
    digits = re.sub(r"\D", "", candidate)
    return digits if ogm_vcs.is_valid(digits) else ""


def format_structured(digits: str) -> str:
    return f"+++{ogm_vcs.format(digits)}+++"


def normalise_account(value: str) -> str:
    """A counterparty account as an IBAN when it is one (or a Belgian BBAN turned into one)."""
    value = (value or "").replace(" ", "").replace("-", "").upper()
    if not value:
        return ""
    if is_valid_iban(value):
        return value
    if re.fullmatch(r"\d{12}", value):  # an old Belgian account number (BBAN)
        candidate = "BE" + std_iban.calc_check_digits("BE00" + value) + value
        if be_iban.is_valid(candidate):
            return candidate
    return value


# CODA ------------------------------------------------------------------------------------------

RECORD_NAMES = {
    "0": "0 (en-tête)",
    "1": "1 (ancien solde)",
    "21": "2.1 (mouvement)",
    "22": "2.2 (mouvement, suite)",
    "23": "2.3 (contrepartie)",
    "31": "3.1 (information)",
    "32": "3.2 (information, suite)",
    "33": "3.3 (information, suite)",
    "4": "4 (communication libre)",
    "8": "8 (nouveau solde)",
    "9": "9 (fin)",
}
# Movement types (record 2.1, position 54) that change the balance; 5 to 9 are the details of
# a globalised movement, already counted in its total.
BALANCE_TYPES = "0123"


# The names of the fields read on every movement record, translated only when a message names
# them (a file of 10,000 movements would otherwise translate 80,000 labels it never shows).
_SEQUENCE = gettext_lazy("numéro de séquence")
_DETAIL = gettext_lazy("numéro de détail")
_AMOUNT = gettext_lazy("montant")
_VALUE_DATE = gettext_lazy("date valeur")
_BOOKING_DATE = gettext_lazy("date de comptabilisation")


def _coda_error(number: int, record: str, message: str) -> StatementFileError:
    return StatementFileError(
        _("Ligne %(line)s, enregistrement %(record)s : %(message)s")
        % {"line": number, "record": RECORD_NAMES.get(record, record), "message": message}
    )


def _coda_date(number: int, record: str, text: str, label: str) -> date:
    try:
        if len(text) == 6 and text.isascii() and text.isdigit():
            # What strptime("%d%m%y") reads from six digits (01-31, 01-12, 69-99 → 19xx),
            # without its regular expressions: the import reads three dates a movement.
            year = int(text[4:])
            return date(year + (1900 if year >= 69 else 2000), int(text[2:4]), int(text[:2]))
        return datetime.strptime(text, "%d%m%y").date()
    except ValueError:
        raise _coda_error(
            number,
            record,
            _("%(label)s invalide « %(value)s » (JJMMAA).") % {"label": label, "value": text},
        ) from None


def _coda_amount(number: int, record: str, sign: str, digits: str, label: str) -> Decimal:
    if sign not in ("0", "1"):
        raise _coda_error(
            number,
            record,
            _("signe du %(label)s invalide « %(value)s » (0 ou 1).")
            % {"label": label, "value": sign},
        )
    if not re.fullmatch(r"\d{15}", digits):
        raise _coda_error(
            number,
            record,
            _("%(label)s non numérique « %(value)s » (15 chiffres).")
            % {"label": label, "value": digits},
        )
    amount = Decimal(int(digits)) * THOUSANDTH
    if amount != amount.quantize(CENT):
        raise _coda_error(
            number,
            record,
            _("%(label)s avec plus de deux décimales « %(value)s ».")
            % {"label": label, "value": digits},
        )
    amount = amount.quantize(CENT)
    return -amount if sign == "1" else amount


def _digits(number: int, record: str, text: str, label: str) -> str:
    if not text.isdigit():
        raise _coda_error(
            number,
            record,
            _("%(label)s non numérique « %(value)s ».") % {"label": label, "value": text},
        )
    return text


@dataclass
class _CodaStatement:
    header_line: int
    account_iban: str = ""
    currency: str = ""
    number: str = ""
    old_balance: Decimal = Decimal("0")
    new_balance: Decimal | None = None
    new_balance_date: date | None = None
    records: int = 0  # records 1, 2.x, 3.x and 8 (the trailer counts them)
    free_records: int = 0  # records 4 (some banks count them too)
    movement_lines: list[tuple[int, str]] = field(default_factory=list)  # every 2.1 record
    debit: Decimal = Decimal("0")
    credit: Decimal = Decimal("0")
    closed: bool = False
    warnings: list[str] = field(default_factory=list)
    # Record 2.2's R-transaction (type, ISO reason) of the movement at the 2.1 record's line
    r_transactions: dict[int, tuple[str, str]] = field(default_factory=dict)


def _check_coda_records(lines: list[tuple[int, str]]) -> list[_CodaStatement]:
    """Check every record: length, type, order, numeric fields, dates, balances and trailer.

    A trailer whose record count is wrong while its debit and credit totals and the balances
    agree is accepted with a warning (banks' own files have it: pycoda's sample
    ``Coda_v2_3_globalisation_2.txt``): the amounts, which are what is posted, are proven."""
    statements: list[_CodaStatement] = []
    current: _CodaStatement | None = None
    previous = ""  # the record code of the previous line
    last_movement_seq = ""
    for number, line in lines:
        if len(line) != 128:
            raise StatementFileError(
                _(
                    "Ligne %(line)s : un enregistrement CODA compte 128 caractères, celui-ci en "
                    "compte %(length)s."
                )
                % {"line": number, "length": len(line)}
            )
        kind = line[0]
        record = line[:2] if kind in "23" else kind
        if record not in RECORD_NAMES:
            raise StatementFileError(
                _("Ligne %(line)s : type d'enregistrement CODA inconnu « %(code)s ».")
                % {"line": number, "code": line[:2]}
            )
        if kind == "0":
            if current is not None and not current.closed:
                raise _coda_error(
                    number, record, _("l'extrait précédent n'est pas clos (enregistrement 9).")
                )
            if not re.match(r"0{5}\d{9}05[ D] {7}", line):
                raise _coda_error(number, record, _("en-tête CODA invalide."))
            _coda_date(number, record, line[5:11], _("date de création"))
            if line[127] != "2":
                raise _coda_error(
                    number,
                    record,
                    _("version CODA « %(v)s » non prise en charge (version 2).") % {"v": line[127]},
                )
            current = _CodaStatement(header_line=number)
            statements.append(current)
        elif current is None or current.closed:
            raise _coda_error(
                number, record, _("enregistrement hors d'un extrait (en-tête 0 attendu).")
            )
        elif kind == "1":
            if previous != "0":
                raise _coda_error(number, record, _("doit suivre l'en-tête (enregistrement 0)."))
            structure = line[1]
            if structure == "2":
                account = line[5:21]
                current.currency = line[39:42]
            elif structure == "3":
                account = line[5:39].strip()
                current.currency = line[39:42]
            elif structure == "0":
                account = normalise_account(line[5:17])
                current.currency = line[18:21]
            else:
                raise _coda_error(
                    number,
                    record,
                    _("structure de compte « %(s)s » non prise en charge.") % {"s": structure},
                )
            account = account.replace(" ", "").upper()
            if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{1,30}", account):
                raise _coda_error(
                    number, record, _("numéro de compte invalide « %(a)s ».") % {"a": account}
                )
            if current.currency.strip().upper() != "EUR":
                raise _coda_error(
                    number,
                    record,
                    _(
                        "compte en « %(currency)s » : seuls les extraits en euros (EUR) sont "
                        "importés dans le compte de médiation."
                    )
                    % {"currency": current.currency.strip() or "?"},
                )
            current.account_iban = account
            current.number = _digits(number, record, line[2:5], _("numéro d'extrait"))
            current.old_balance = _coda_amount(
                number, record, line[42], line[43:58], _("ancien solde")
            )
            _coda_date(number, record, line[58:64], _("date de l'ancien solde"))
            current.records += 1
        elif kind == "2":
            if previous == "0" or not current.account_iban:
                raise _coda_error(number, record, _("l'ancien solde (enregistrement 1) manque."))
            if current.new_balance is not None:
                raise _coda_error(number, record, _("mouvement après le nouveau solde."))
            seq = _digits(number, record, line[2:6], _SEQUENCE)
            _digits(number, record, line[6:10], _DETAIL)
            if record == "21":
                amount = _coda_amount(number, record, line[31], line[32:47], _AMOUNT)
                _coda_date(number, record, line[47:53], _VALUE_DATE)
                if not line[53].isdigit():
                    raise _coda_error(
                        number, record, _("type de mouvement invalide « %(t)s ».") % {"t": line[53]}
                    )
                if line[61] not in ("0", "1"):
                    raise _coda_error(
                        number,
                        record,
                        _("type de communication invalide « %(t)s ».") % {"t": line[61]},
                    )
                _coda_date(number, record, line[115:121], _BOOKING_DATE)
                if line[53] in BALANCE_TYPES:
                    if amount < 0:
                        current.debit -= amount
                    else:
                        current.credit += amount
                current.movement_lines.append((number, line))
                last_movement_seq = seq
            else:
                if previous not in ("21", "22") or seq != last_movement_seq:
                    raise _coda_error(
                        number,
                        record,
                        _("ne suit pas le mouvement n° %(seq)s auquel il se rapporte.")
                        % {"seq": seq},
                    )
                if record == "22" and line[112] in R_TRANSACTION_TYPES:
                    current.r_transactions[current.movement_lines[-1][0]] = (
                        line[112],
                        line[113:117].strip(),
                    )
            current.records += 1
        elif kind == "3":
            if not current.movement_lines:
                raise _coda_error(number, record, _("information sans mouvement."))
            if record != "31" and previous[:1] != "3":
                raise _coda_error(number, record, _("ne suit pas une information 3.1."))
            _digits(number, record, line[2:6], _SEQUENCE)
            current.records += 1
        elif kind == "4":
            current.free_records += 1
        elif kind == "8":
            if not current.account_iban:
                raise _coda_error(number, record, _("l'ancien solde (enregistrement 1) manque."))
            current.new_balance = _coda_amount(
                number, record, line[41], line[42:57], _("nouveau solde")
            )
            current.new_balance_date = _coda_date(
                number, record, line[57:63], _("date du nouveau solde")
            )
            current.records += 1
            expected = current.old_balance + current.credit - current.debit
            if expected != current.new_balance:
                raise _coda_error(
                    number,
                    record,
                    _(
                        "le nouveau solde %(new)s ne correspond pas à l'ancien solde %(old)s "
                        "augmenté des mouvements de l'extrait (%(expected)s)."
                    )
                    % {
                        "new": current.new_balance,
                        "old": current.old_balance,
                        "expected": expected,
                    },
                )
        elif kind == "9":
            if current.new_balance is None:
                raise _coda_error(number, record, _("le nouveau solde (enregistrement 8) manque."))
            count = _digits(number, record, line[16:22], _("nombre d'enregistrements"))
            debit = _coda_amount(number, record, "0", line[22:37], _("total des débits"))
            credit = _coda_amount(number, record, "0", line[37:52], _("total des crédits"))
            count_agrees = int(count) in (
                current.records,
                current.records + current.free_records,
            )
            if debit != current.debit or credit != current.credit:
                raise _coda_error(
                    number,
                    record,
                    _(
                        "les totaux annoncés (débits %(d)s, crédits %(c)s) ne correspondent pas "
                        "aux mouvements (débits %(md)s, crédits %(mc)s)."
                    )
                    % {"d": debit, "c": credit, "md": current.debit, "mc": current.credit},
                )
            if not count_agrees:
                current.warnings.append(
                    _(
                        "Ligne %(line)s, enregistrement 9 (fin) : annonce %(n)s enregistrements, "
                        "l'extrait en compte %(m)s ; les soldes et les totaux concordent, "
                        "l'extrait est importé."
                    )
                    % {"line": number, "n": int(count), "m": current.records}
                )
            current.closed = True
        previous = record
    if not statements:
        raise StatementFileError(_("Le fichier ne contient aucun extrait CODA."))
    if not statements[-1].closed:
        raise StatementFileError(
            _("Fichier CODA incomplet : l'enregistrement 9 (fin) de l'extrait manque.")
        )
    return statements


def _pycoda_parse(content: bytes, lines: list[tuple[int, str]]):
    """Parse with pycoda; on a parser error, find the first line that makes it fail."""
    from coda.parser import Parser

    def run(upto: int):
        text = "\n".join(line for _n, line in lines[:upto]).encode("windows-1252", "replace")
        return Parser().parse(text)

    try:
        return run(len(lines))
    except Exception as exc:  # pycoda raises ValueError, CodaParserException, IndexError…
        low, high = 1, len(lines)
        while low < high:  # smallest prefix that fails: the line at fault
            middle = (low + high) // 2
            try:
                run(middle)
            except Exception:
                high = middle
            else:
                low = middle + 1
        number, _line = lines[low - 1]
        reason = getattr(exc, "msg", None) or str(exc) or exc.__class__.__name__
        raise StatementFileError(
            _("Ligne %(line)s : le fichier CODA est illisible (%(reason)s).")
            % {"line": number, "reason": reason.strip()}
        ) from exc


def _coda_text(content: bytes) -> str:
    """CODA is windows-1252 (latin-1) by standard; a file saved again as UTF-8 (accents on two
    bytes, often with a BOM) is recognised — its non-ASCII bytes decode as UTF-8 — and read as
    such, so its lines keep their 128 characters."""
    body = content[3:] if content.startswith(b"\xef\xbb\xbf") else content
    if not body.isascii():
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return body.decode("windows-1252")


def parse_coda(content: bytes) -> ParsedFile:
    try:
        text = _coda_text(content)
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise StatementFileError(
            _("Ligne %(line)s : caractère invalide dans un fichier CODA (octet %(byte)s).")
            % {"line": line, "byte": hex(content[exc.start])}
        ) from None
    lines = [
        (index, raw.rstrip("\r"))
        for index, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1)
        if raw.strip()
    ]
    checked = _check_coda_records(lines)
    parsed = _pycoda_parse(content, lines)
    if len(parsed) != len(checked):
        raise StatementFileError(_("Le fichier CODA est illisible (extraits incohérents)."))
    statements = []
    for raw, info in zip(parsed, checked, strict=True):
        if len(raw.movements) != len(info.movement_lines):
            raise StatementFileError(
                _("Ligne %(line)s : mouvements incohérents dans l'extrait.")
                % {"line": info.header_line}
            )
        statement = ParsedStatement(
            account_iban=info.account_iban,
            number=info.number,
            old_balance=info.old_balance,
            new_balance=info.new_balance,
            new_balance_date=info.new_balance_date,
        )
        items = list(zip(raw.movements, info.movement_lines, strict=True))
        for position, (record, (number, line)) in enumerate(items):
            if line[53] not in BALANCE_TYPES:
                continue  # detail of a globalised movement: read with its total
            total = _coda_movement(info, record, number, line)
            details = _coda_details(info, items, position)
            if details and sum(d.amount for d in details) == total.amount:
                for detail in details:  # each payment of the batch, with its communication
                    detail.total_identity = total.identity
                statement.movements.extend(details)
            else:
                statement.movements.append(total)
        statements.append(statement)
    warnings = [w for info in checked for w in info.warnings]
    return ParsedFile(format=CODA, statements=statements, warnings=warnings)


# Reversals and returns in CODA (Febelfin "Coded statement of account", version 2.3+):
# - record 2.2, position 113, the type of R-transaction: 1 reject, 2 return, 3 refund,
#   4 reversal, 5 cancellation; positions 114-117 its ISO reason code (AC04, MS03…);
# - record 2.1, positions 55-58, the family and transaction: transactions 49 (debit side) and 99
#   (credit side) are "cancellation or correction" (the bank's extourne) in every family;
#   transaction 54 of the credit-transfer families 01 (SEPA) and 02 (instant SEPA) is the
#   "unexecutable transfer order" the bank brings back.
# A return (reject or return, or transaction 54) of a credit is a transfer we sent coming back;
# the others reverse an earlier movement. Nothing else is guessed from the sign: banks use the
# same codes on both sides (the totals of the tests' writer carry 01-50 either way).
R_TRANSACTION_TYPES = ("1", "2", "3", "4", "5")
RETURN_TYPES = ("1", "2")
CANCELLATION_TRANSACTIONS = ("49", "99")
RETURN_FAMILIES = ("01", "02")


def _coda_reversal(line: str, r_transaction: tuple[str, str] | None) -> tuple[bool, bool, str]:
    """(reversal, returned, ISO reason) of a movement record 2.1 and its record 2.2."""
    kind, reason = r_transaction or ("", "")
    family, transaction = line[54:56], line[56:58]
    credit = line[31] == "0"
    returned = credit and (
        kind in RETURN_TYPES or (family in RETURN_FAMILIES and transaction == "54")
    )
    reversal = returned or bool(kind) or transaction in CANCELLATION_TRANSACTIONS
    return reversal, returned, reason if reversal else ""


# A globalised movement's type (record 2.1, position 54) and that of its detail records: 1
# "totalised by the customer" (a SEPA batch booked as one debit, a collective credit) → 5;
# 2 "totalised by the bank" → 6.
DETAIL_TYPES = {"1": "5", "2": "6"}


def _coda_details(info: _CodaStatement, items: list, position: int) -> list[ParsedMovement]:
    """The detail records of the globalised movement at ``position`` (same sequence number,
    detail number > 0, the detail type of its type): each becomes a movement of its own, with
    its counterparty and communication, when they add up to the total."""
    _record, (_number, line) = items[position]
    wanted = DETAIL_TYPES.get(line[53])
    if wanted is None:
        return []
    details = []
    for record, (number, detail_line) in items[position + 1 :]:
        if detail_line[2:6] != line[2:6]:
            break
        if detail_line[53] == wanted and detail_line[6:10] != "0000":
            details.append(_coda_movement(info, record, number, detail_line))
    return details


def _coda_movement(info: _CodaStatement, record, number: int, line: str) -> ParsedMovement:
    # Amount and dates from the record's own digits (pycoda's amount is a float).
    amount = _coda_amount(number, "21", line[31], line[32:47], _AMOUNT)
    value_date = _coda_date(number, "21", line[47:53], _VALUE_DATE)
    booking_date = _coda_date(number, "21", line[115:121], _BOOKING_DATE)
    structured = ""
    communication = (record.communication or "").strip()
    if line[61] == "1":
        if line[62:65] in ("101", "102"):
            structured = structured_digits(line[65:77])
        if structured:
            communication = format_structured(structured)
        else:  # another structured format (or an invalid check): keep its text as given
            communication = " ".join(line[65:115].split())
    seq, detail = line[2:6], line[6:10]
    reversal, returned, reason = _coda_reversal(line, info.r_transactions.get(number))
    identity = "|".join(
        [
            "CODA",
            info.account_iban,
            info.number,
            f"{seq}.{detail}",
            booking_date.isoformat(),
            value_date.isoformat(),
            f"{amount:.2f}",
        ]
    )
    return ParsedMovement(
        account_iban=info.account_iban,
        statement_number=info.number,
        sequence=seq,
        value_date=value_date,
        booking_date=booking_date,
        amount=amount,
        identity=identity,
        currency=info.currency or "EUR",
        bank_reference=(record.transaction_ref or "").strip(),
        counterparty_name=(record.counterparty_name or "").strip()[:200],
        counterparty_iban=normalise_account(record.counterparty_number or ""),
        counterparty_bic=(record.counterparty_bic or "").strip(),
        communication=communication[:500],
        structured_communication=structured,
        end_to_end_id=(record.payment_reference or "").strip(),
        source=_("ligne %(line)s") % {"line": number},
        reversal=reversal,
        returned=returned,
        return_reason=reason,
    )


# CAMT.053 ----------------------------------------------------------------------------------------


def _local(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element, *path):
    node = element
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c) == name), None)
    return node


def _children(element, name):
    return [c for c in element if _local(c) == name]


def _text(element, *path) -> str:
    node = _child(element, *path)
    return (node.text or "").strip() if node is not None else ""


def _camt_error(element, message: str) -> StatementFileError:
    return StatementFileError(
        _("Élément <%(tag)s> (ligne %(line)s) : %(message)s")
        % {"tag": _local(element), "line": element.sourceline, "message": message}
    )


def _camt_amount_of(parent, indicator: str | None = None) -> Decimal:
    """The ``<Amt>`` of an entry, a balance or a detail: a clear error when it is missing, and a
    currency other than the euro refused (the mediation account is in euros)."""
    node = _child(parent, "Amt")
    if node is None:
        raise _camt_error(parent, _("le montant <Amt> manque."))
    _camt_currency(node)
    return _camt_amount(node, indicator)


def _camt_currency(node) -> None:
    currency = (node.get("Ccy") or "EUR").strip().upper()
    if currency != "EUR":
        raise _camt_error(
            node,
            _(
                "montant en %(currency)s : seuls les relevés en euros (EUR) sont importés dans "
                "le compte de médiation."
            )
            % {"currency": currency},
        )


def _camt_amount(element, indicator: str | None = None) -> Decimal:
    text = (element.text or "").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _camt_error(element, _("montant invalide « %(v)s ».") % {"v": text}) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
        raise _camt_error(
            element,
            _("montant invalide « %(v)s » (positif, deux décimales au plus).") % {"v": text},
        )
    amount = amount.quantize(CENT)
    return -amount if indicator == "DBIT" else amount


def _camt_date(parent, name: str, required: bool) -> date | None:
    node = _child(parent, name)
    if node is None:
        if required:
            raise _camt_error(parent, _("la date <%(n)s> manque.") % {"n": name})
        return None
    text = _text(node, "Dt") or _text(node, "DtTm")[:10]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _camt_error(node, _("date invalide « %(v)s ».") % {"v": text}) from None


def _camt_indicator(element) -> str:
    value = _text(element, "CdtDbtInd")
    if not value:
        raise _camt_error(element, _("l'indicateur crédit/débit <CdtDbtInd> manque."))
    if value not in ("CRDT", "DBIT"):
        raise _camt_error(
            element, _("indicateur crédit/débit invalide « %(v)s » (CRDT ou DBIT).") % {"v": value}
        )
    return value


def _camt_balance(statement, codes) -> tuple[Decimal | None, date | None]:
    for balance in _children(statement, "Bal"):
        amount = _child(balance, "Amt")
        if amount is not None:  # any balance in another currency: the account is not in euros
            _camt_currency(amount)
        code = _text(balance, "Tp", "CdOrPrtry", "Cd")
        if code in codes:
            amount = _camt_amount_of(balance, _camt_indicator(balance))
            return amount, _camt_date(balance, "Dt", required=False)
    return None, None


def _entry_status(entry) -> str:
    status = _child(entry, "Sts")
    if status is None:
        return "BOOK"
    return (_text(status, "Cd") or (status.text or "")).strip() or "BOOK"


def parse_camt053(content: bytes) -> ParsedFile:
    from lxml import etree
    from pycamt.parser import Camt053Parser

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        raise StatementFileError(
            _("XML mal formé à la ligne %(line)s : %(reason)s") % {"line": line, "reason": exc.msg}
        ) from None
    if _local(root) != "Document" or "camt.053" not in (root.nsmap.get(None) or ""):
        raise StatementFileError(
            _("Ce fichier XML n'est pas un relevé CAMT.053 (élément racine <%(tag)s>, %(ns)s).")
            % {"tag": _local(root), "ns": root.nsmap.get(None) or _("sans espace de noms")}
        )
    container = _child(root, "BkToCstmrStmt")
    statements_xml = _children(container, "Stmt") if container is not None else []
    if not statements_xml:
        raise _camt_error(root, _("aucun relevé <Stmt> dans <BkToCstmrStmt>."))
    try:
        transactions = Camt053Parser(content).get_transactions()
    except Exception as exc:
        raise StatementFileError(
            _("Le relevé CAMT.053 est illisible (%(reason)s).") % {"reason": exc}
        ) from exc
    statements = []
    position = 0  # in pycamt's flat list: one item per entry, or per detail of a batch entry
    for stmt in statements_xml:
        account = _text(stmt, "Acct", "Id", "IBAN").replace(" ", "").upper()
        if not account:  # some banks give the IBAN as a proprietary identifier
            account = _text(stmt, "Acct", "Id", "Othr", "Id").replace(" ", "").upper()
        if not std_iban.is_valid(account):
            raise _camt_error(
                _child(stmt, "Acct") if _child(stmt, "Acct") is not None else stmt,
                _("IBAN du compte invalide ou absent « %(v)s ».") % {"v": account},
            )
        currency = _text(stmt, "Acct", "Ccy").upper()
        if currency and currency != "EUR":
            raise _camt_error(
                _child(stmt, "Acct"),
                _(
                    "compte en %(currency)s : seuls les relevés en euros (EUR) sont importés dans "
                    "le compte de médiation."
                )
                % {"currency": currency},
            )
        number = _text(stmt, "LglSeqNb") or _text(stmt, "ElctrncSeqNb") or _text(stmt, "Id")
        opening, _opening_date = _camt_balance(stmt, ("OPBD", "PRCD"))
        closing, closing_date = _camt_balance(stmt, ("CLBD",))
        statement = ParsedStatement(
            account_iban=account,
            number=number,
            old_balance=opening,
            new_balance=closing,
            new_balance_date=closing_date,
        )
        booked_total = Decimal("0.00")
        for index, entry in enumerate(_children(stmt, "Ntry"), start=1):
            details = [
                tx for dtls in _children(entry, "NtryDtls") for tx in _children(dtls, "TxDtls")
            ]
            count = max(1, len(details))
            flat = transactions[position : position + count]
            position += count
            if len(flat) != count:
                raise _camt_error(entry, _("écriture illisible."))
            indicator = _camt_indicator(entry)
            total = _camt_amount_of(entry, indicator)
            value_date = _camt_date(entry, "ValDt", required=False)
            booking_date = _camt_date(entry, "BookgDt", required=False)
            if value_date is None and booking_date is None:
                raise _camt_error(entry, _("ni date valeur <ValDt> ni date de comptabilisation."))
            if _entry_status(entry) != "BOOK":
                continue  # pending or informative entries do not change the balance
            booked_total += total
            statement.movements.extend(
                _camt_movements(
                    statement,
                    entry,
                    index,
                    details,
                    flat,
                    total,
                    value_date or booking_date,
                    booking_date,
                )
            )
        if opening is not None and closing is not None and opening + booked_total != closing:
            raise _camt_error(
                stmt,
                _(
                    "le solde de clôture %(new)s ne correspond pas au solde d'ouverture %(old)s "
                    "augmenté des écritures (%(expected)s)."
                )
                % {"new": closing, "old": opening, "expected": opening + booked_total},
            )
        statements.append(statement)
    parsed = ParsedFile(format=CAMT053, statements=statements)
    _content_identities(parsed.movements)
    return parsed


def _camt_movements(statement, entry, index, details, flat, total, value_date, booking_date):
    reference = _text(entry, "AcctSvcrRef")
    movements = []
    parts = details or [None]
    amounts = []
    for tx in parts:
        if tx is None or len(parts) == 1:
            amounts.append(total)
            continue
        amount_node = _child(tx, "Amt")
        if amount_node is None:
            amount_node = _child(tx, "AmtDtls", "TxAmt", "Amt")
        if amount_node is None:
            raise _camt_error(tx, _("le montant du détail manque."))
        indicator = _text(tx, "CdtDbtInd") or ("DBIT" if total < 0 else "CRDT")
        _camt_currency(amount_node)
        amounts.append(_camt_amount(amount_node, indicator))
    if sum(amounts) != total:
        raise _camt_error(
            entry,
            _("la somme des détails (%(s)s) diffère du montant de l'écriture (%(t)s).")
            % {"s": sum(amounts), "t": total},
        )
    batch_reference, batch_count = _camt_batch(entry) if len(parts) == 1 else ("", None)
    entry_reversal = _text(entry, "RvslInd").lower() in ("true", "1")
    for position, (tx, data, amount) in enumerate(zip(parts, flat, amounts, strict=True), 1):
        credit = amount > 0
        returned, reason = _camt_return(entry, tx, amount)
        name = data.get("DebtorName") if credit else data.get("CreditorName")
        account = data.get("DebtorIBAN") if credit else data.get("CreditorIBAN")
        remittance = (data.get("RemittanceInformationFull") or "").strip()
        strd = (data.get("RemittanceInformation") or "").strip() if tx is not None else ""
        structured = structured_digits(strd) if tx is not None and _has_strd(tx) else ""
        structured = structured or structured_digits(remittance)
        communication = format_structured(structured) if structured else remittance
        if not communication:
            communication = (data.get("AdditionalEntryInformation") or "").strip()
        identity = ""  # without the bank's reference: from the content (_content_identities)
        if reference:
            key = [reference]
            if len(parts) > 1:
                key.append(_text(tx, "Refs", "AcctSvcrRef") or f"{position}")
            identity = "|".join(
                ["CAMT", statement.account_iban, *key, value_date.isoformat(), f"{amount:.2f}"]
            )
        movements.append(
            ParsedMovement(
                account_iban=statement.account_iban,
                statement_number=statement.number,
                sequence=_text(entry, "NtryRef") or str(index),
                value_date=value_date,
                booking_date=booking_date,
                amount=amount,
                identity=identity[:200],
                currency=data.get("Currency") or "EUR",
                bank_reference=reference,
                counterparty_name=(name or "").strip()[:200],
                counterparty_iban=normalise_account(account or ""),
                communication=communication[:500],
                structured_communication=structured,
                end_to_end_id=(data.get("EndToEndId") or "").strip()
                if (data.get("EndToEndId") or "").strip() != "NOTPROVIDED"
                else "",
                source=_("<Ntry> ligne %(line)s")
                % {"line": (tx if tx is not None else entry).sourceline},
                reversal=entry_reversal or returned,
                returned=returned,
                return_reason=reason,
                batch_reference=batch_reference,
                batch_count=batch_count,
            )
        )
    return movements


# A transfer we sent, brought back by the bank (ISO 20022 camt.053): the transaction's return
# information <RtrInf> (its reason <Rsn><Cd>, e.g. AC04 closed account), or the bank transaction
# code's sub-family "reversal due to payment return" (RRTN) or "… due to a payment cancellation
# request" (RPCR), on a credit.
RETURN_SUBFAMILIES = ("RRTN", "RPCR")


def _camt_return(entry, tx, amount: Decimal) -> tuple[bool, str]:
    """(returned, ISO reason) of a credit entry or of one of its transactions."""
    if amount <= 0:
        return False, ""
    where = [tx, entry] if tx is not None else [entry]
    info = _child(tx, "RtrInf") if tx is not None else None
    subfamilies = {_text(node, "BkTxCd", "Domn", "Fmly", "SubFmlyCd").upper() for node in where}
    if info is None and not subfamilies & set(RETURN_SUBFAMILIES):
        return False, ""
    reason = ""
    if info is not None:
        reason = _text(info, "Rsn", "Cd") or _text(info, "Rsn", "Prtry")
    return True, reason[:4].upper()


def _camt_batch(entry) -> tuple[str, int | None]:
    """The pain.001 batch an entry books as one amount (<NtryDtls><Btch>): its payment
    information id, else its message id, and its number of transactions."""
    batch = _child(entry, "NtryDtls", "Btch")
    if batch is None:
        return "", None
    reference = _text(batch, "PmtInfId") or _text(batch, "MsgId")
    count = _text(batch, "NbOfTxs")
    return reference[:35], int(count) if count.isdigit() and len(count) <= 9 else None


def _has_strd(tx) -> bool:
    remittance = _child(tx, "RmtInf")
    return remittance is not None and _child(remittance, "Strd") is not None
