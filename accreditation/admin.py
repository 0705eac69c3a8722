from django.contrib import admin

from . import services
from .models import Centre, CentreMembership


class CentreMembershipInline(admin.TabularInline):
    model = CentreMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "number"]
    inlines = [CentreMembershipInline]

    def save_formset(self, request, form, formset, change):
        # Memberships go through the service so the role's group follows (accreditation.services).
        if formset.model is not CentreMembership:
            return super().save_formset(request, form, formset, change)
        for membership in formset.save(commit=False):
            services.centre_membership_add(
                centre=membership.centre, user=membership.user, role=membership.role
            )
        for membership in formset.deleted_objects:
            services.centre_membership_remove(membership=membership)
        return None


@admin.register(CentreMembership)
class CentreMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "centre", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user", "centre"]
    search_fields = ["user__email", "user__last_name", "centre__name", "centre__number"]
    autocomplete_fields = ["user", "centre"]

    def save_model(self, request, obj, form, change):
        if change:
            # A changed role: drop the old one (and its group) before adding the new.
            old = CentreMembership.objects.get(pk=obj.pk)
            services.centre_membership_remove(membership=old)
        services.centre_membership_add(centre=obj.centre, user=obj.user, role=obj.role)

    def delete_model(self, request, obj):
        services.centre_membership_remove(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.centre_membership_remove(membership=membership)
