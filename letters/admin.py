from django.contrib import admin

from .models import Letter, LetterAddressee, LetterTemplate


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """Read-only here: templates are edited by the organisation's administrator in the app."""

    list_display = ("name", "kind", "organisation", "needs_review", "updated_at")
    list_filter = ("kind", "needs_review")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LetterAddresseeInline(admin.TabularInline):
    model = LetterAddressee
    extra = 0
    can_delete = False
    fields = ("position", "name", "reference", "on_behalf_of")
    readonly_fields = fields


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    list_display = ("subject", "case", "sent_on", "registered", "sent_by")
    inlines = [LetterAddresseeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
