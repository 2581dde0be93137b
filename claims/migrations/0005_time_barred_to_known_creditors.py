"""Every creditor of a case's claims becomes a known creditor of the case; the "late declaration"
checkbox (``Claim.time_barred``) becomes a recorded forclusion: from the earliest late
declaration, reason "entered by hand before the calendar". The claims keep their flag (the fee
engine counts a creditor whose claims are all time-barred)."""

from django.db import migrations
from django.db.models import Min


def forward(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    KnownCreditor = apps.get_model("claims", "KnownCreditor")
    pairs = Claim.objects.values("case_id", "creditor_id").distinct()
    barred = {
        (row["case_id"], row["creditor_id"]): row["first"]
        for row in Claim.objects.filter(time_barred=True)
        .values("case_id", "creditor_id")
        .annotate(first=Min("declared_on"))
    }
    for pair in pairs:
        key = (pair["case_id"], pair["creditor_id"])
        since = barred.get(key)
        KnownCreditor.objects.get_or_create(
            case_id=key[0],
            creditor_id=key[1],
            defaults={
                "time_barred_on": since,
                "time_barred_reason": "before_calendar" if since else "",
                "time_barred_note": (
                    "Case « déclaration tardive » cochée sur une créance déclarée le "
                    f"{since:%d/%m/%Y}"
                    if since
                    else ""
                ),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_known_creditors")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
