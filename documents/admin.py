from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "case", "kind", "uploaded_at", "filed_at")
    list_filter = ("kind",)
    readonly_fields = ("filed_at", "filed_by", "sha256", "size")
