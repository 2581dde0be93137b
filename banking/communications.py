"""Belgian structured communications (+++123/4567/89012+++, mod 97: python-stdnum ogm_vcs)."""

from stdnum.be import ogm_vcs

from .parsers import format_structured, structured_digits

__all__ = ["format_structured", "make_structured", "structured_digits"]


def make_structured(base: int) -> str:
    """The 12 digits of the structured communication of a 10-digit base number."""
    if not 0 < base < 10**10:
        raise ValueError("base out of range")
    number = f"{base:010d}"
    return number + ogm_vcs.calc_check_digits(number)


def display(digits: str) -> str:
    return format_structured(digits) if digits else ""
