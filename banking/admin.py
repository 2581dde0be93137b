from django.contrib import admin

from .models import MatchingRule, Movement, Payment, PaymentBatch, StatementImport


class ReadOnlyAdmin(admin.ModelAdmin):
    """Imports, movements and payments change only through the services (journal postings)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatementImport)
class StatementImportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "organisation", "format", "imported_at", "movement_count")
    list_filter = ("format", "organisation")


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ("value_date", "amount", "counterparty_name", "status", "case")
    list_filter = ("status", "organisation")


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdmin):
    list_display = ("case", "execution_date", "status", "total")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("case", "category", "due_on", "amount", "beneficiary_name", "status")
    list_filter = ("status", "category")


@admin.register(MatchingRule)
class MatchingRuleAdmin(ReadOnlyAdmin):
    list_display = ("case", "direction", "counterparty_iban", "communication", "category", "active")
    list_filter = ("active",)
