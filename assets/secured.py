"""The provider the claims app reaches through ``claims.registry`` (registered in
``assets.apps``): the case's assets a mortgage rank may be secured on, the rule, the link
(issue 12, docs/plan-rules.md §1)."""

from . import selectors, services


class SecuredAssets:
    def choices(self, case) -> list[tuple[int, str]]:
        return selectors.secured_asset_choices(case)

    def errors(self, *, case, plan_rank: str, asset: int | None) -> dict[str, str]:
        return services.secured_claim_errors(case=case, plan_rank=plan_rank, asset=asset)

    def asset_of(self, claim) -> int | None:
        return selectors.secured_asset_of(claim)

    def link(self, *, claim, asset: int | None) -> None:
        services.secured_claim_link(claim=claim, asset=asset)


PROVIDER = SecuredAssets()
