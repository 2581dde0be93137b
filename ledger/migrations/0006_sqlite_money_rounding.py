"""SQLite only (the embedded default of a fresh clone): the posting trigger summed amounts as
SQLite's floating-point numbers, so a balance built from 1.000,10 € + 221,58 € was stored as
1221.6799999999998 and paying out exactly 1.221,68 € left -2e-13 and was refused by the
``balance >= 0`` check. The balance and reserve are now rounded to the cent at each posting, in
the posting trigger and in the account guard that checks it (same formula). PostgreSQL computes
in ``numeric``, exactly: nothing changes there."""

from django.db import migrations

_BALANCE = """ROUND(CASE WHEN {e}.category = 'reserve_transfer' THEN {a}balance
                 WHEN {e}.direction = 'in' THEN {a}balance + {e}.amount
                 ELSE {a}balance - {e}.amount END, 2)"""
_RESERVE = """ROUND(CASE WHEN {e}.category = 'reserve_transfer' AND {e}.direction = 'in'
                     THEN {a}reserve + {e}.amount
                 WHEN {e}.category = 'reserve_transfer' THEN {a}reserve - {e}.amount
                 WHEN {e}.category = 'fee_payment' AND {e}.direction = 'out'
                     THEN MAX({a}reserve - {e}.amount, 0)
                 ELSE {a}reserve END, 2)"""

FORWARD = [
    "DROP TRIGGER IF EXISTS ledger_entry_post",
    f"""
    CREATE TRIGGER ledger_entry_post AFTER INSERT ON ledger_entry
    BEGIN
        UPDATE ledger_account
           SET balance = {_BALANCE.format(e="NEW", a="")},
               reserve = {_RESERVE.format(e="NEW", a="")},
               entry_count = entry_count + 1
         WHERE id = NEW.account_id;
    END
    """,
    "DROP TRIGGER IF EXISTS ledger_account_guard",
    f"""
    CREATE TRIGGER ledger_account_guard BEFORE UPDATE ON ledger_account
    WHEN (
        NEW.balance IS NOT OLD.balance
        OR NEW.reserve IS NOT OLD.reserve
        OR NEW.entry_count IS NOT OLD.entry_count
    ) AND NOT EXISTS (
        SELECT 1 FROM ledger_entry AS e
         WHERE e.account_id = OLD.id
           AND e.sequence = OLD.entry_count + 1
           AND NEW.entry_count = OLD.entry_count + 1
           AND NEW.balance = {_BALANCE.format(e="e", a="OLD.")}
           AND NEW.reserve = {_RESERVE.format(e="e", a="OLD.")}
    )
    BEGIN
        SELECT RAISE(ABORT, 'ledger: the balance changes only by posting entries');
    END
    """,
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in FORWARD:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_entry_settlement_reason")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
