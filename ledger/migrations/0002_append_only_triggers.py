"""Database-enforced invariants of the mediation account (issue 4):

- entries are append-only: UPDATE and DELETE are refused;
- every posting updates the account's balance/reserve under the account row lock, so concurrent
  postings serialise, and the account's CHECK constraints (balance >= 0, 0 <= reserve <=
  balance) refuse any posting that would overdraw the account;
- entries are numbered 1, 2, … per account without gaps (the posting must carry the next number);
- the balance, reserve and entry count of an account cannot be written except by the posting
  trigger.

``reserve_transfer`` entries move money between the available part and the fee reserve without
changing the balance (in = set aside, out = released); a ``fee_payment`` out is drawn from the
reserve first.
"""

from django.db import migrations
from django.db.utils import NotSupportedError

POSTGRES_FORWARD = r"""
CREATE OR REPLACE FUNCTION ledger_entry_post() RETURNS trigger AS $$
DECLARE
    acc ledger_account%ROWTYPE;
    delta numeric(12, 2);
BEGIN
    SELECT * INTO acc FROM ledger_account WHERE id = NEW.account_id FOR UPDATE;
    IF NEW.sequence <> acc.entry_count + 1 THEN
        RAISE EXCEPTION 'ledger: entry number % out of sequence (expected %)',
            NEW.sequence, acc.entry_count + 1 USING ERRCODE = '23514';
    END IF;
    delta := CASE WHEN NEW.direction = 'in' THEN NEW.amount ELSE -NEW.amount END;
    IF NEW.category = 'reserve_transfer' THEN
        UPDATE ledger_account
           SET reserve = reserve + delta, entry_count = entry_count + 1
         WHERE id = NEW.account_id;
    ELSE
        UPDATE ledger_account
           SET balance = balance + delta,
               reserve = CASE WHEN NEW.category = 'fee_payment' AND NEW.direction = 'out'
                              THEN GREATEST(reserve - NEW.amount, 0) ELSE reserve END,
               entry_count = entry_count + 1
         WHERE id = NEW.account_id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_post BEFORE INSERT ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_post();

CREATE OR REPLACE FUNCTION ledger_entry_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger: posted entries are append-only (% refused); post a reversal entry',
        TG_OP USING ERRCODE = '23514';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_entry_immutable BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_immutable();

CREATE OR REPLACE FUNCTION ledger_account_guard() RETURNS trigger AS $$
BEGIN
    IF pg_trigger_depth() < 2 AND (
        NEW.balance IS DISTINCT FROM OLD.balance
        OR NEW.reserve IS DISTINCT FROM OLD.reserve
        OR NEW.entry_count IS DISTINCT FROM OLD.entry_count
    ) THEN
        RAISE EXCEPTION 'ledger: the balance changes only by posting entries'
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_account_guard BEFORE UPDATE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_guard();

CREATE OR REPLACE FUNCTION ledger_account_no_delete() RETURNS trigger AS $$
BEGIN
    IF OLD.entry_count > 0 THEN
        RAISE EXCEPTION 'ledger: an account with entries cannot be deleted'
            USING ERRCODE = '23514';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_account_no_delete BEFORE DELETE ON ledger_account
    FOR EACH ROW EXECUTE FUNCTION ledger_account_no_delete();
"""

POSTGRES_BACKWARD = r"""
DROP TRIGGER IF EXISTS ledger_entry_post ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_entry_immutable ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_account_guard ON ledger_account;
DROP TRIGGER IF EXISTS ledger_account_no_delete ON ledger_account;
DROP FUNCTION IF EXISTS ledger_entry_post();
DROP FUNCTION IF EXISTS ledger_entry_immutable();
DROP FUNCTION IF EXISTS ledger_account_guard();
DROP FUNCTION IF EXISTS ledger_account_no_delete();
"""

# SQLite (the embedded default for a fresh clone): the posting, numbering and append-only rules
# with its own syntax. The two account guards (ledger_account_guard: balance, reserve and entry
# count written only by postings; ledger_account_no_delete) were missing here: SQLite gets them
# in 0003_sqlite_account_guards.
SQLITE_FORWARD = [
    """
    CREATE TRIGGER ledger_entry_sequence BEFORE INSERT ON ledger_entry
    WHEN NEW.sequence <> (SELECT entry_count + 1 FROM ledger_account WHERE id = NEW.account_id)
    BEGIN
        SELECT RAISE(ABORT, 'ledger: entry number out of sequence');
    END
    """,
    """
    CREATE TRIGGER ledger_entry_post AFTER INSERT ON ledger_entry
    BEGIN
        UPDATE ledger_account
           SET balance = CASE WHEN NEW.category = 'reserve_transfer' THEN balance
                              WHEN NEW.direction = 'in' THEN balance + NEW.amount
                              ELSE balance - NEW.amount END,
               reserve = CASE WHEN NEW.category = 'reserve_transfer' AND NEW.direction = 'in'
                                  THEN reserve + NEW.amount
                              WHEN NEW.category = 'reserve_transfer'
                                  THEN reserve - NEW.amount
                              WHEN NEW.category = 'fee_payment' AND NEW.direction = 'out'
                                  THEN MAX(reserve - NEW.amount, 0)
                              ELSE reserve END,
               entry_count = entry_count + 1
         WHERE id = NEW.account_id;
    END
    """,
    """
    CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry
    BEGIN
        SELECT RAISE(ABORT, 'ledger: posted entries are append-only; post a reversal entry');
    END
    """,
    """
    CREATE TRIGGER ledger_entry_no_delete BEFORE DELETE ON ledger_entry
    BEGIN
        SELECT RAISE(ABORT, 'ledger: posted entries are append-only; post a reversal entry');
    END
    """,
]

SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_entry_sequence",
    "DROP TRIGGER IF EXISTS ledger_entry_post",
    "DROP TRIGGER IF EXISTS ledger_entry_no_update",
    "DROP TRIGGER IF EXISTS ledger_entry_no_delete",
]


def _unsupported(vendor):
    # Any other database would have none of these guards: refuse rather than skip silently.
    return NotSupportedError(
        f"ledger: the mediation account's guards (append-only journal, balance written only by "
        f"postings) exist as triggers for PostgreSQL and SQLite only, not for {vendor!r}; "
        f"refusing to migrate a database that would not enforce them."
    )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)  # "%" is plpgsql, not a placeholder
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)
    else:
        raise _unsupported(vendor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)
    else:
        raise _unsupported(vendor)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
