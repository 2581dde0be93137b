"""Access rows of the audit trail (audit app): read by the organisation's administrator and
supervisors (their own organisation's events only), by nobody else."""

from . import LOGIN, ROLES

AUDIT_READ = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": LOGIN,
    "supervisor": 200,
    "administrator": 200,
    "other_supervisor": 200,
}

MATRIX = {
    "audit:list": ("get", lambda o: [], AUDIT_READ),
}
