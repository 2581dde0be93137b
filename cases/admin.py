from django.contrib import admin

from .models import Applicant, Case, MediatorAssignment, StatusChange
from .services import applicant_sort_names_refresh


class ApplicantInline(admin.StackedInline):
    model = Applicant
    extra = 0
    max_num = 2
    # Encrypted, with its keyed hash beside it: changed through cases.services only.
    exclude = ("national_number", "national_number_hash")


class AssignmentInline(admin.TabularInline):
    model = MediatorAssignment
    extra = 0
    readonly_fields = ("mediator", "start_date", "end_date", "reason", "recorded_by")
    can_delete = False


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ("from_status", "to_status", "decision_date", "note", "recorded_by")
    can_delete = False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "organisation",
        "division",
        "status",
        "admissibility_date",
        "mediator",
    )
    list_filter = ("organisation", "division", "status")
    search_fields = ("reference", "role_number", "applicants__last_name")
    inlines = [ApplicantInline, AssignmentInline, StatusChangeInline]
    # Status and mediator change through the services, which keep their history.
    readonly_fields = ("status", "mediator")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # the applicants edited inline: the caseload's sort by applicant follows them
        applicant_sort_names_refresh(cases=Case.objects.filter(pk=form.instance.pk))
