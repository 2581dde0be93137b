"""SQLite gets the account guards PostgreSQL has had since 0002 (issue 4):

- ``ledger_account_guard``: the balance, reserve and entry count of an account are written only
  by the posting trigger. PostgreSQL tells the posting trigger's UPDATE from any other by the
  trigger depth; SQLite has no such thing, so its guard lets through exactly the update a
  posting makes: the entry count goes up by one, the entry carrying that number exists (the
  posting trigger runs AFTER INSERT) and the new balance and reserve are the ones it implies
  (the formula of ``ledger_entry_post`` in 0002). Any other change of the three is refused.
- ``ledger_account_no_delete``: an account with entries cannot be deleted (checked when the
  DELETE runs, not only at COMMIT by the deferred foreign key of its entries).

0002 left them out on SQLite while its comment said they were there. PostgreSQL has nothing to
add. Any other database has none of the ledger's triggers: migrating it is refused (see 0002).
"""

from django.db import migrations
from django.db.utils import NotSupportedError

# The balance and reserve after posting entry ``e`` (same formula as ledger_entry_post, 0002).
_POSTED_BALANCE = """
    CASE WHEN e.category = 'reserve_transfer' THEN OLD.balance
         WHEN e.direction = 'in' THEN OLD.balance + e.amount
         ELSE OLD.balance - e.amount END
"""
_POSTED_RESERVE = """
    CASE WHEN e.category = 'reserve_transfer' AND e.direction = 'in' THEN OLD.reserve + e.amount
         WHEN e.category = 'reserve_transfer' THEN OLD.reserve - e.amount
         WHEN e.category = 'fee_payment' AND e.direction = 'out'
             THEN MAX(OLD.reserve - e.amount, 0)
         ELSE OLD.reserve END
"""

SQLITE_FORWARD = [
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
           AND NEW.balance = {_POSTED_BALANCE}
           AND NEW.reserve = {_POSTED_RESERVE}
    )
    BEGIN
        SELECT RAISE(ABORT, 'ledger: the balance changes only by posting entries');
    END
    """,
    """
    CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account
    WHEN OLD.entry_count > 0
    BEGIN
        SELECT RAISE(ABORT, 'ledger: an account with entries cannot be deleted');
    END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_account_guard",
    "DROP TRIGGER IF EXISTS ledger_account_no_delete",
]


def _unsupported(vendor):
    return NotSupportedError(
        f"ledger: the mediation account's guards (append-only journal, balance written only by "
        f"postings) exist as triggers for PostgreSQL and SQLite only, not for {vendor!r}; "
        f"refusing to migrate a database that would not enforce them."
    )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    elif vendor != "postgresql":  # PostgreSQL has had both guards since 0002
        raise _unsupported(vendor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)
    elif vendor != "postgresql":
        raise _unsupported(vendor)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_triggers")]

    operations = [migrations.RunPython(forward, backward)]
