"""``makemessages`` with the row writers' helpers as gettext keywords.

The tables written in Python (issue 15: ``claims_ui``, ``fees_ui``, ``ledger_ui``, ``plans_ui``,
``agenda_ui``) translate through small helpers, ``_translate("…")``, ``_translated("…")`` and
``_t("…")``, that escape what ``gettext`` returns, as ``{% translate %}`` did in the templates
they replace. xgettext only extracts the calls it is told about: without these keywords a
message left in a helper call alone became obsolete in the catalogues, and a Dutch reader saw it
in French (tests/test_i18n_extraction.py)."""

from django.core.management.commands.makemessages import Command as MakeMessages

ROW_HELPERS = ("_translate", "_translated", "_t")


class Command(MakeMessages):
    xgettext_options = MakeMessages.xgettext_options + [f"--keyword={name}" for name in ROW_HELPERS]
