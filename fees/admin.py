from django.contrib import admin

from .models import (
    DraftBatch,
    FeeStatement,
    JustRestartInvoice,
    LegalAmount,
    Service,
    StateIntervention,
    StatementLine,
    TariffRowRecord,
    TaxationOrder,
    TaxationOrderLine,
)


@admin.register(TariffRowRecord)
class TariffRowRecordAdmin(admin.ModelAdmin):
    """Administrators add the rows of a new Moniteur belge notice here (fees.md §2)."""

    list_display = ("key", "effective_from", "amount", "shipped", "row_id")
    list_filter = ("key", "shipped")
    search_fields = ("row_id", "source")
    readonly_fields = ("shipped", "created_at")

    def has_delete_permission(self, request, obj=None):
        # A row that priced statements stays: a correction is a new row.
        return False


@admin.register(LegalAmount)
class LegalAmountAdmin(admin.ModelAdmin):
    """Dated legal amounts other than the barème (the SPF Economie cap of art. 1675/19 C.J.)."""

    list_display = ("key", "effective_from", "amount", "shipped")
    list_filter = ("key", "shipped")
    readonly_fields = ("shipped",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("case", "date", "kind", "quantity", "mediator", "taxed")
    list_filter = ("kind", "taxed")
    readonly_fields = ("taxed",)

    def get_readonly_fields(self, request, obj=None):
        # A taxed service is in a filed statement: the database refuses any change to it.
        if obj is not None and obj.taxed:
            return [field.name for field in self.model._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.taxed


class StatementLineInline(admin.TabularInline):
    model = StatementLine
    fields = ("position", "article", "label", "date", "quantity", "unit_amount", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FeeStatement)
class FeeStatementAdmin(admin.ModelAdmin):
    """Read-only: statements are computed, recomputed and filed from the case's screens (a
    filed statement is frozen by the database)."""

    list_display = ("case", "period_from", "period_to", "occasion", "state", "total", "filed_at")
    list_filter = ("state", "occasion")
    search_fields = ("case__reference",)
    inlines = [StatementLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TaxationOrderLineInline(admin.TabularInline):
    model = TaxationOrderLine
    extra = 0
    can_delete = False
    readonly_fields = ("line", "allowed_amount")


@admin.register(TaxationOrder)
class TaxationOrderAdmin(admin.ModelAdmin):
    list_display = ("statement", "order_date", "allowed_amount", "recorded_by")
    inlines = [TaxationOrderLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StateIntervention)
class StateInterventionAdmin(admin.ModelAdmin):
    list_display = ("case", "prepared_on", "remission_type", "amount_requested", "status")
    list_filter = ("status", "remission_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JustRestartInvoice)
class JustRestartInvoiceAdmin(admin.ModelAdmin):
    """Written by the daily run, paid from the case's fee tab: read-only here."""

    list_display = ("case", "anniversary", "amount", "payable_by", "paid_on")
    list_filter = ("paid_on",)
    search_fields = ("case__reference",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DraftBatch)
class DraftBatchAdmin(admin.ModelAdmin):
    list_display = ("requested_at", "requested_by", "on", "state", "total", "created", "existing")
    list_filter = ("state",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
