from django.contrib import admin

from .models import PlanMailing, PlanVersion


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ("case", "number", "kind", "state", "start_date", "duration_months")
    list_filter = ("kind", "state")
    readonly_fields = ("snapshot", "frozen_at", "decided_at", "created_at", "updated_at")


@admin.register(PlanMailing)
class PlanMailingAdmin(admin.ModelAdmin):
    list_display = ("version", "sent_on", "addressee_count", "registered")
