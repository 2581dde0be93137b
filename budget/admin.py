from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AllowanceDecision,
    BudgetVersion,
    ChargeLine,
    IncomeLine,
    IntegrationIncomeRecord,
    SeizureScaleRecord,
)


@admin.register(SeizureScaleRecord)
class SeizureScaleRecordAdmin(admin.ModelAdmin):
    """Administrators add the brackets of the next year here (published every December for
    1 January), with their source (living-allowance.md)."""

    list_display = (
        "effective_from",
        "limit_1",
        "limit_2",
        "limit_3",
        "limit_4",
        "child_reduction",
        "note",
        "shipped",
    )
    list_filter = ("shipped",)
    search_fields = ("row_id", "source", "note")
    readonly_fields = ("shipped", "created_at")
    fieldsets = (
        (None, {"fields": ("row_id", "effective_from", "note", "source")}),
        (
            _("Tranches (revenu net mensuel)"),
            {"fields": ("limit_1", "limit_2", "limit_3", "limit_4")},
        ),
        (
            _("Parts saisissables (fractions)"),
            {
                "fields": (
                    ("earned_rate_2", "earned_rate_3", "earned_rate_4"),
                    ("replacement_rate_2", "replacement_rate_3", "replacement_rate_4"),
                )
            },
        ),
        (None, {"fields": ("child_reduction", "shipped", "created_at")}),
    )

    def has_delete_permission(self, request, obj=None):
        # A row that fixed allowances stays: a correction is a new row.
        return False


@admin.register(IntegrationIncomeRecord)
class IntegrationIncomeRecordAdmin(admin.ModelAdmin):
    """The integration income follows the index: add each new amount here with its source."""

    list_display = ("category", "effective_from", "valid_until", "amount", "shipped", "row_id")
    list_filter = ("category", "shipped")
    search_fields = ("row_id", "source")
    readonly_fields = ("shipped", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False


class IncomeInline(admin.TabularInline):
    model = IncomeLine
    extra = 0
    can_delete = False
    readonly_fields = ("position", "kind", "label", "person", "outside_case", "amount")

    def has_add_permission(self, request, obj=None):
        return False


class ChargeInline(admin.TabularInline):
    model = ChargeLine
    extra = 0
    can_delete = False
    readonly_fields = ("position", "kind", "label", "amount", "paid_from_account")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BudgetVersion)
class BudgetVersionAdmin(admin.ModelAdmin):
    """Read-only: a budget is revised by a new version in the case's tab."""

    list_display = ("case", "number", "date", "ris_category", "created_by", "created_at")
    search_fields = ("case__reference",)
    inlines = [IncomeInline, ChargeInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AllowanceDecision)
class AllowanceDecisionAdmin(admin.ModelAdmin):
    list_display = ("version", "amount", "non_seizable", "hard_floor", "frequency", "decided_at")
    search_fields = ("version__case__reference",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
