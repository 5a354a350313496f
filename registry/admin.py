"""Admin for organisations, users and memberships; the audit log is read-only here.

Every save goes through the services (organisation_create/update, user_create/update,
user_set_password, membership_grant/revoke), so an admin change is permission-checked,
validated and audited like any other. What no service does is read-only (a user's
username, groups and Django permissions; an organisation's code and kind) and nothing is
deleted: organisations and users are deactivated, a role is revoked.

A service's refusal (a DomainError) rolls the whole save back, the inline roles included,
and the form is shown again with the refusal on it (see ``ServiceAdmin``).
"""

from __future__ import annotations

from contextvars import ContextVar

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserCreationForm
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from registry import audit_actions, permissions, services
from registry.errors import DomainError
from registry.models import AuditEntry, Membership, Organisation, User
from registry.pages import add_domain_error
from registry.paginators import BigTableAdmin

# The portal's name in the admin's header and title, not "Django 管理".
admin.site.site_header = _("Community Work Item Admission Platform")
admin.site.site_title = _("Community Work Item Admission Platform")
admin.site.index_title = _("Administration")
# django-axes ships no Chinese and names its app "Axes": give it a name in words (its
# models' and fields' names are translated in our catalogue, registry/admin_words.py).
if apps.is_installed("axes"):
    apps.get_app_config("axes").verbose_name = _("Sign-in protection (failed attempts)")

# The admin user behind the password form (Django builds that form without the request).
_password_actor: ContextVar[User | None] = ContextVar("password_actor", default=None)


def _take_values(obj, created) -> None:
    """Let the admin's in-memory object become the row a service created (its pk, its
    saved state), so the redirect and the inlines point at it."""
    obj.__dict__.update(created.__dict__)


class ServiceAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves call services and whose refusals become form errors.

    Django's changeform view saves inside a transaction; a DomainError raised by a service
    (from save_model or save_formset) escapes it, which rolls back everything the save
    wrote. The view then runs once more on the same POST with a form that carries the
    refusal as its errors, so the user sees the page they submitted, with the reason.
    """

    # The permission action a user needs to add or change here, besides Django's own.
    manage_action = ""

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and permissions.may(
            request.user, self.manage_action
        )

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and permissions.may(
            request.user, self.manage_action
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # History points at organisations and users: they are deactivated, never deleted.
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            request._service_refusal = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                self.add_error(None, str(refusal.message))
                add_domain_error(self, refusal)
                return cleaned_data

        return RefusedForm


@admin.register(Organisation)
class OrganisationAdmin(BigTableAdmin, ServiceAdmin):
    manage_action = "organisation.manage"
    list_display = [
        "name",
        "code",
        "kind",
        "level",
        "parent",
        "staff_count",
        "households",
        "is_monitoring_point",
        "is_active",
    ]
    list_filter = ["kind", "level", "is_monitoring_point", "is_active"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
    list_select_related = ["parent"]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code", "kind"] if obj else fields

    def save_model(self, request, obj, form, change):
        if change:
            services.organisation_update(
                actor=request.user,
                organisation=obj,
                **{
                    name: form.cleaned_data[name]
                    for name in form.changed_data
                    if name in services.EDITABLE_ORGANISATION_FIELDS
                },
            )
            return
        created = services.organisation_create(
            actor=request.user,
            code=obj.code,
            name=obj.name,
            kind=obj.kind,
            parent=obj.parent,
            level=obj.level,
            staff_count=obj.staff_count,
            households=obj.households,
            population=obj.population,
            is_monitoring_point=obj.is_monitoring_point,
        )
        _take_values(obj, created)


class MembershipInline(admin.TabularInline):
    """The roles a user holds: read-only rows, revoked by ticking "delete"."""

    model = Membership
    verbose_name = _("role held")
    verbose_name_plural = _("roles held")
    fields = ["organisation", "role", "created_at"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.may(request.user, "user.manage")

    def has_delete_permission(self, request, obj=None) -> bool:
        # "Delete" on a row revokes the role through the service (audited).
        return permissions.may(request.user, "user.manage")


class MembershipGrantInline(admin.TabularInline):
    """Empty rows to grant a role (a change of role is a revoke and a grant)."""

    model = Membership
    verbose_name = _("role to grant")
    verbose_name_plural = _("grant roles")
    fields = ["organisation", "role"]
    autocomplete_fields = ["organisation"]
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None) -> bool:
        return permissions.may(request.user, "user.manage")

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.may(request.user, "user.manage")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class UserAddForm(UserCreationForm):
    """The add form without Django's "password-based authentication" switch: a portal
    user always starts with a password (services.user_create validates it)."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email")


class ServicePasswordForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data.get("set_usable_password", True)
        saved = services.user_set_password(
            actor=_password_actor.get(),
            user=self.user,
            password=self.cleaned_data["password1"] if usable else None,
        )
        # Django then refreshes the session hash from this object: give it the new one.
        self.user.password = saved.password
        return self.user


@admin.register(User)
class UserAdmin(BigTableAdmin, ServiceAdmin, DjangoUserAdmin):
    manage_action = "user.manage"
    fieldsets = (
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["display_name", "first_name", "last_name", "email"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "display_name", "email", "password1", "password2"],
            },
        ),
    )
    add_form = UserAddForm
    # The add page's hint in the portal's words (Django's has no Chinese yet).
    add_form_template = "admin/registry/user/add_form.html"
    change_password_form = ServicePasswordForm
    # Groups and Django permissions are not the portal's roles, and no service sets them.
    readonly_fields = ["groups", "last_login", "date_joined"]
    list_display = ["username", "display_name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "display_name", "email"]
    inlines = [MembershipInline, MembershipGrantInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "username"] if obj else fields

    def get_inlines(self, request, obj):
        # Roles are granted once the user exists (the add page is username and password).
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            editable = services.EDITABLE_USER_FIELDS | services.SUPERUSER_ONLY_USER_FIELDS
            services.user_update(
                actor=request.user,
                user=obj,
                **{name: form.cleaned_data[name] for name in form.changed_data if name in editable},
            )
            return
        created = services.user_create(
            actor=request.user,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            display_name=form.cleaned_data.get("display_name", ""),
            email=form.cleaned_data.get("email", ""),
        )
        _take_values(obj, created)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # What formset.save() would have set, for the admin's own change message.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.deleted_forms:
            if row.instance.pk:
                formset.deleted_objects.append(row.instance)
                services.membership_revoke(actor=request.user, membership=row.instance)
        for row in formset.forms:
            if row in formset.deleted_forms or row.instance.pk or not row.has_changed():
                continue
            formset.new_objects.append(
                services.membership_grant(
                    actor=request.user,
                    user=form.instance,
                    organisation=row.cleaned_data["organisation"],
                    role=row.cleaned_data["role"],
                )
            )
        return None

    def user_change_password(self, request, id, form_url=""):
        token = _password_actor.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return HttpResponseRedirect(request.get_full_path())
        finally:
            _password_actor.reset(token)


class AuditActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return audit_actions.choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(BigTableAdmin, admin.ModelAdmin):
    list_display = ["at", "actor_name", "action_in_words", "object_type", "object_repr"]
    list_filter = [AuditActionFilter, "object_type"]
    search_fields = ["object_repr", "actor_name", "object_id"]
    date_hierarchy = "at"
    list_per_page = 100
    # The entry's page too says what happened in words, the stable name beside it.
    fields = [
        "at",
        "actor",
        "actor_name",
        "action_in_words",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_in_words(self, entry: AuditEntry) -> str:
        return f"{audit_actions.meaning(entry.action)} ({entry.action})"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The holiday calendar's admin lives in its own module (kept apart for clean merges).
from registry import admin_calendar  # noqa: E402, F401

# The beat schedule's periodic tasks, named in the portal's words.
if apps.is_installed("django_celery_beat"):
    from registry import admin_beat  # noqa: F401
