"""What a case bundle (``rcd-case-bundle/1``) carries that the other apps' models do not.

``claims.Claim`` has its own ``key``; a creditor's key is per case (one directory creditor is
``"engie"`` in one case and ``"c3"`` in another), so it lives here, with the creditor's place
in the bundle's ``creditors`` list: import → export → import then yields equal exports.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from claims.models import Creditor


class CaseCreditorKey(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="bundle_creditor_keys")
    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("clé"), max_length=64)
    position = models.PositiveIntegerField(_("rang dans le fichier"), default=0)

    class Meta:
        verbose_name = _("clé de créancier (échange)")
        verbose_name_plural = _("clés de créanciers (échange)")
        ordering = ["case", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="uniq_bundle_creditor_key"),
            models.UniqueConstraint(
                fields=["case", "creditor"], name="uniq_bundle_creditor_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.key}"
