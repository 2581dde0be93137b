from django.contrib import admin

from .models import Claim, Creditor, Position, Representation, Representative


@admin.register(Creditor)
class CreditorAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "enterprise_number", "iban")
    list_filter = ("organisation",)
    search_fields = ("name", "enterprise_number", "iban")


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "organisation", "enterprise_number")
    list_filter = ("organisation", "role")
    search_fields = ("name", "enterprise_number", "iban")


@admin.register(Representation)
class RepresentationAdmin(admin.ModelAdmin):
    list_display = ("case", "creditor", "representative", "file_reference")
    raw_id_fields = ("case", "creditor", "representative")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("label", "case", "creditor")
    raw_id_fields = ("case", "creditor")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("case", "creditor", "creditor_reference", "nature", "principal", "status")
    list_filter = ("status", "nature", "time_barred")
    raw_id_fields = ("case", "creditor", "representation", "position", "created_by")
