import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_mediator_pages_render(client, world):
    client.force_login(world.mediator)
    for url in [
        reverse("cases:list"),
        reverse("cases:create"),
        reverse("cases:detail", args=[world.case.pk]),
        reverse("cases:edit", args=[world.case.pk]),
        reverse("cases:status", args=[world.case.pk]),
        reverse("cases:replace_mediator", args=[world.case.pk]),
        reverse("documents:case_documents", args=[world.case.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
