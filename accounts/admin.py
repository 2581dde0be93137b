from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ClerkDivision, Organisation, User
from .services import organisation_created


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "slug", "enterprise_number")
    search_fields = ("name", "slug", "enterprise_number")
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # what other apps need for a new organisation (its letter templates, …)
            organisation_created(obj)


class ClerkDivisionInline(admin.TabularInline):
    model = ClerkDivision
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "organisation", "is_active")
    list_filter = ("role", "organisation", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Rôle"), {"fields": ("role", "organisation", "profession", "vat_registered", "phone")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Rôle"), {"fields": ("role", "organisation", "first_name", "last_name", "email")}),
    )
    inlines = [ClerkDivisionInline]
