from django.contrib import admin

from .models import Account, Entry


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("case", "iban", "balance", "reserve", "entry_count")
    readonly_fields = ("balance", "reserve", "entry_count")


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Read-only: the journal is append-only (the database refuses changes anyway)."""

    list_display = ("account", "sequence", "value_date", "direction", "amount", "category")
    list_filter = ("category", "direction")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
