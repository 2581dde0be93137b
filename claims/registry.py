"""Where a higher app plugs into the claims (ARCHITECTURE.md: a lower app never imports a higher
one).

The asset a mortgage is secured on (issue 12, docs/plan-rules.md §1 "A mortgage on a kept
asset"): the rank ``mortgage`` is a legal cause of preference on ONE asset the applicant keeps,
distinct from a general privilege. The applicant's assets belong to the ``assets`` app, above
this one; it registers a provider from its ``AppConfig.ready`` (``assets.apps``) and keeps the
link (``assets.SecuredClaim``). The claim form offers the provider's ``choices`` (the case's
assets only), the claim services validate with its ``errors`` and, once the claim is saved in
the same transaction, write the link with ``link``. Without a provider (no assets app) a claim
names no asset and a mortgage rank is checked as before.
"""

from typing import Protocol


class SecuredAssetProvider(Protocol):
    def choices(self, case) -> list[tuple[int, str]]:
        """The case's assets a mortgage may be secured on: (pk, label), never another case's."""

    def errors(self, *, case, plan_rank: str, asset: int | None) -> dict[str, str]:
        """Field -> French message (empty when valid) for a claim of ``case`` with ``plan_rank``
        naming the asset ``asset`` (a pk, or None)."""

    def asset_of(self, claim) -> int | None:
        """The pk of the asset ``claim`` is secured on, or None."""

    def link(self, *, claim, asset: int | None) -> None:
        """Record (or remove, with None) the asset ``claim`` is secured on; already validated."""


_provider: SecuredAssetProvider | None = None


def register_secured_assets(provider: SecuredAssetProvider) -> None:
    global _provider
    _provider = provider


def secured_asset_choices(case) -> list[tuple[int, str]]:
    return [] if _provider is None else _provider.choices(case)


def secured_asset_errors(*, case, plan_rank: str, asset: int | None) -> dict[str, str]:
    if _provider is None:
        return {}
    return _provider.errors(case=case, plan_rank=plan_rank, asset=asset)


def secured_asset_of(claim) -> int | None:
    return None if _provider is None or claim.pk is None else _provider.asset_of(claim)


def secured_asset_link(*, claim, asset: int | None) -> None:
    if _provider is not None:
        _provider.link(claim=claim, asset=asset)
