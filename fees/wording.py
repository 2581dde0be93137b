"""The labels of statement lines computed before the engine's phrases were kept (issue 16).

Such a line stores only its French label (``StatementLine.texts`` is null). When that label was
written from one of the engine's label messages (``fees.engine.compute``), it is recognised and
shown in the reader's language (``core.retranslate``); any other (a line with a mediator's note,
a circular letter) is shown as stored. Explanations of those lines stay as stored."""

from core.phrases import ngettext
from core.retranslate import Message, retranslate
from fees.engine.facts import PAYMENT_CATEGORY_LABELS, SERVICE_KIND_LABELS

_CREDITORS = [ngettext("%(n)s créancier", "%(n)s créanciers", 0)]
_KINDS = list(SERVICE_KIND_LABELS.values())
_WHAT = [*_KINDS, *PAYMENT_CATEGORY_LABELS.values()]

LABEL_MESSAGES: list[Message] = [
    ("Suivi annuel %(start)s–%(end)s (%(creditors)s)", {"creditors": _CREDITORS}),
    ("%(what)s du %(date)s (%(creditors)s)", {"what": _KINDS, "creditors": _CREDITORS}),
    ("%(what)s du %(date)s", {"what": _WHAT}),
    ("Déplacement du %(date)s (%(km)s km)", {}),
    ("Frais administratifs du %(date)s", {}),
    ("Pécule de médiation par ordre permanent, année de suivi %(start)s–%(end)s", {}),
    ("Redevance JustRestart – anniversaire de l'admissibilité du %(date)s", {}),
]


def stored_label(label: str) -> str:
    """A stored French (or Dutch) label in the active language, when its message is known."""
    return retranslate(label, LABEL_MESSAGES) or label
