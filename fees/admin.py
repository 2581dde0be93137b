from django.contrib import admin

from .models import Service, TariffRowRecord


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


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("case", "date", "kind", "quantity", "mediator", "taxed")
    list_filter = ("kind", "taxed")
    readonly_fields = ("taxed",)
