from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from leitai.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    raw_id_fields = ("unit",)  # a select of a million units would not load


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Leitai", {"fields": ("display_name", "must_change_password")}),
    )
    list_display = (
        "username",
        "display_name",
        "is_superuser",
        "must_change_password",
        "last_login",
    )
    search_fields = ("username", "display_name")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "unit")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "unit__name", "unit__code")
    raw_id_fields = ("user", "unit")
