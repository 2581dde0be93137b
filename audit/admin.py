from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the trail is append-only (the database refuses any change or deletion)."""

    list_display = ("at", "action", "actor_name", "case_reference", "object_type", "ip_address")
    list_filter = ("action",)
    search_fields = ("actor_name", "case_reference", "object_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
