"""The demo negotiation histories: loaded after seed_demo, valid, idempotent."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.models import ContactEntry
from contacts.selectors import todo_list


@pytest.mark.django_db
def test_seed_demo_contacts_is_idempotent(django_user_model):
    call_command("seed_demo_contacts", verbosity=0)  # before seed_demo: nothing to do
    assert not ContactEntry.objects.exists()

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_contacts", verbosity=0)
    count = ContactEntry.objects.count()
    assert count >= 10
    partena = ContactEntry.objects.filter(creditor__name__startswith="Partena Professional")
    assert partena.filter(representative__isnull=False, outcome="refusal").count() == 3
    assert partena.latest("date").outcome == "agreement"

    slambert = django_user_model.objects.get(username="slambert")
    todo = todo_list(slambert, timezone.localdate())
    assert todo.overdue and todo.today and todo.upcoming

    call_command("seed_demo_contacts", verbosity=0)
    assert ContactEntry.objects.count() == count
