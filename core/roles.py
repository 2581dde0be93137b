"""The roles a user has in the application (shared vocabulary: every layer checks them).

Roles (issue 2): a *mediator* works on the cases assigned to them and sees their
organisation's cases; a *supervisor* (CPAS staff) reads every case of the organisation; a
*clerk* of one or more court divisions sees only documents filed for cases of those divisions;
an *administrator* manages the organisation (members, templates) and its cases.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEDIATOR = "mediator", _("Médiateur de dettes")
    SUPERVISOR = "supervisor", _("Superviseur (CPAS)")
    CLERK = "clerk", _("Greffier")
    ADMINISTRATOR = "administrator", _("Administrateur")


# Who opens a case's pages, and who may change a case.
CASE_ROLES = (Role.MEDIATOR, Role.SUPERVISOR, Role.ADMINISTRATOR)
EDIT_ROLES = (Role.MEDIATOR, Role.ADMINISTRATOR)
