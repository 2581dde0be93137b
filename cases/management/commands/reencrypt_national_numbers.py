"""``manage.py reencrypt_national_numbers``: the rotation step of the keys protecting national
register numbers (README.md, "Encryption of national register numbers")."""

from django.core.management.base import BaseCommand

from accounts.services import authenticator_secrets_reencrypt
from cases.services import national_numbers_reencrypt


class Command(BaseCommand):
    help = (
        "Encrypt every national register number again under the first key of "
        "FIELD_ENCRYPTION_KEYS and recompute its hash under NATIONAL_NUMBER_HASH_KEY; "
        "encrypt the authenticator secrets of the second factor again under the same key."
    )

    def handle(self, *args, **options):
        count = national_numbers_reencrypt()
        self.stdout.write(f"{count} national register number(s) re-encrypted.")
        secrets = authenticator_secrets_reencrypt()
        self.stdout.write(f"{secrets} authenticator secret(s) re-encrypted.")
