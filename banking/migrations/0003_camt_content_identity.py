"""CAMT movements the bank gave no reference for (no ``AcctSvcrRef``) were known by the
statement's id or sequence number and the entry's position: a new download of the same days,
with other message ids, posted them again (issue 14). Their identity is now what the movement
is — account, booking and value dates, signed amount, counterparty account, communication —
and its rank among the identical movements of that day (``banking.parsers.content_identity``).

This rewrites the identities already stored in that form, so that a file imported before
this migration still de-duplicates against a new download. The journal entries keep the
reference they were posted with (the journal is append-only): the movement, not the entry,
is what an import compares. The function below is a frozen copy of ``content_identity``."""

import hashlib

from django.db import migrations


def content_identity(account_iban, booking_date, value_date, amount, counterparty_iban, text, rank):
    what = "\n".join([counterparty_iban[:34], " ".join(text[:500].split())])
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


def is_old_position_identity(identity: str) -> bool:
    parts = identity.split("|")
    if parts[0] != "CAMT" or len(parts) < 6:
        return False
    # new form: CAMT|iban|booking|value|amount|hash24|rank
    return not (len(parts) == 7 and len(parts[5]) == 24 and parts[6].isdigit())


def rewrite(apps, schema_editor):
    Movement = apps.get_model("banking", "Movement")
    ranks: dict[tuple, int] = {}
    movements = Movement.objects.filter(
        statement_import__format="camt053", bank_reference="", identity__startswith="CAMT|"
    ).order_by("statement_import_id", "id")
    for movement in movements.iterator():
        if not is_old_position_identity(movement.identity):
            continue
        key = (
            movement.organisation_id,
            movement.account_iban,
            movement.booking_date,
            movement.value_date,
            movement.amount,
            movement.counterparty_iban,
            " ".join(movement.communication.split()),
        )
        rank = ranks.get(key, 0)
        ranks[key] = rank + 1
        movement.identity = content_identity(
            movement.account_iban,
            movement.booking_date,
            movement.value_date,
            movement.amount,
            movement.counterparty_iban,
            movement.communication,
            rank,
        )
        movement.save(update_fields=["identity"])


class Migration(migrations.Migration):
    dependencies = [("banking", "0002_payment_allowance_installment")]

    operations = [migrations.RunPython(rewrite, migrations.RunPython.noop)]
