from django.contrib import admin

from .models import DailyRun, Duty


@admin.register(DailyRun)
class DailyRunAdmin(admin.ModelAdmin):
    list_display = ["run_date", "from_date", "state", "started_at", "finished_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in DailyRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["case", "kind", "due_date", "subject", "deadline", "settled_on"]
    list_filter = ["kind"]
    search_fields = ["case__reference", "subject"]
    readonly_fields = [f.name for f in Duty._meta.fields]

    def has_add_permission(self, request):
        return False
