"""IBAN checks, remembered. python-stdnum's check looks the bank code up in its registry, which
costs a good part of a bank import when done several times per movement (the parser, the
matching, the posting); a statement repeats the same few accounts and counterparties, so the
answer is kept (issue #15, the import of 10,000 movements)."""

from functools import lru_cache

from stdnum import iban as std_iban


@lru_cache(maxsize=65536)
def is_valid_iban(value: str) -> bool:
    """``stdnum.iban.is_valid``: a valid IBAN (spaces allowed), country rules included."""
    return std_iban.is_valid(value)
