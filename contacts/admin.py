from django.contrib import admin

from .models import ContactEntry


@admin.register(ContactEntry)
class ContactEntryAdmin(admin.ModelAdmin):
    list_display = ("case", "creditor", "representative", "date", "channel", "outcome")
    list_filter = ("channel", "outcome")
    search_fields = ("case__reference", "creditor__name", "summary")
    raw_id_fields = ("case", "creditor", "representative", "recorded_by", "follow_up_done_by")
    date_hierarchy = "date"
