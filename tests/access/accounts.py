"""Access matrix rows of the accounts app: the user's own account (password, second factor,
sessions), the password reset by e-mail (open to anyone), and the administrator's page of the
organisation's logins (unlock, second-factor reset)."""

from . import LOGIN, ROLES

EVERY_USER = {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN}
EVERYONE = dict.fromkeys(ROLES, 200)
ADMIN_ONLY = {**dict.fromkeys(ROLES, 403), "anonymous": LOGIN, "administrator": 200}
ADMIN_ONLY_POST = {**ADMIN_ONLY, "administrator": 302}

MATRIX = {
    "accounts:account": ("get", lambda o: [], EVERY_USER),
    "accounts:logout_everywhere": ("post", lambda o: [], dict.fromkeys(ROLES, 302)),
    "accounts:mfa_setup": ("get", lambda o: [], EVERY_USER),
    # Without an enrolled device, the verification page sends to the enrolment page.
    "accounts:mfa_verify": ("get", lambda o: [], dict.fromkeys(ROLES, 302)),
    # Renewing the recovery codes needs a verified second factor: sent to verification.
    "accounts:mfa_recovery_codes": ("post", lambda o: [], dict.fromkeys(ROLES, 302)),
    "accounts:password_change": ("get", lambda o: [], EVERY_USER),
    "accounts:password_change_done": ("get", lambda o: [], EVERY_USER),
    "accounts:password_reset": ("get", lambda o: [], EVERYONE),
    "accounts:password_reset_done": ("get", lambda o: [], EVERYONE),
    # An invalid link is a page saying so.
    "accounts:password_reset_confirm": ("get", lambda o: ["MQ", "invalid-token"], EVERYONE),
    "accounts:password_reset_complete": ("get", lambda o: [], EVERYONE),
    "accounts:security": ("get", lambda o: [], ADMIN_ONLY),
    "accounts:member_unlock": ("post", lambda o: [o["world"].mediator.pk], ADMIN_ONLY_POST),
    "accounts:member_mfa_reset": ("post", lambda o: [o["world"].mediator.pk], ADMIN_ONLY_POST),
}

# Another organisation's member: 404 for the administrator, never 403.
OTHER_MEMBER = {**ADMIN_ONLY, "administrator": 404}
EXTRA = [
    ("accounts:member_unlock", "post", lambda o: [o["world"].other_mediator.pk], OTHER_MEMBER),
    ("accounts:member_mfa_reset", "post", lambda o: [o["world"].other_mediator.pk], OTHER_MEMBER),
    ("accounts:member_unlock", "post", lambda o: [o["world"].clerk.pk], OTHER_MEMBER),
]


def objects(world) -> dict:
    return {"world": world}
