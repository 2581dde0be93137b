"""The demo data (public passwords) is never loaded in production, and the demo's platform
superuser is no organisation's administrator."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Organisation, User
from cases.management.commands.seed_demo import APP_SEEDS
from cases.management.commands.seed_demo import Command as SeedDemo
from core.roles import Role


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["seed_demo", *APP_SEEDS])
def test_seed_demo_refuses_to_run_in_production(monkeypatch, command):
    monkeypatch.setenv("DJANGO_ENV", "production")
    with pytest.raises(CommandError) as error:
        call_command(command, verbosity=0)
    assert "production" in str(error.value)
    assert not Organisation.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_the_demo_superuser_is_no_organisations_administrator():
    SeedDemo()._seed()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.organisation is None
    assert not User.objects.filter(is_superuser=True, role=Role.ADMINISTRATOR).exists()
    for organisation in Organisation.objects.all():
        administrators = User.objects.filter(organisation=organisation, role=Role.ADMINISTRATOR)
        assert administrators.exists() and not administrators.filter(is_superuser=True).exists()


@pytest.mark.django_db
def test_a_demo_loaded_before_is_repaired():
    SeedDemo()._seed()
    firm = Organisation.objects.get(slug="cabinet-renard-maes")
    User.objects.filter(username="admin").update(organisation=firm, role=Role.ADMINISTRATOR)
    SeedDemo()._platform_superuser()
    admin = User.objects.get(username="admin")
    assert (admin.organisation, admin.role) == (None, Role.CLERK)
