"""The Django admin writes through the services: audited, permission-checked, and a
service's refusal is shown on the form with nothing written."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from registry.models import AuditEntry, Membership, Organisation, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _zh(message: str) -> str:
    """What the (Chinese-first) admin page shows for a service's message."""
    with translation.override("zh-hans"):
        return gettext(message)


def _user_change_data(user: User, **overrides) -> dict:
    """The user change form as the admin page posts it (both role inlines empty)."""
    data = {
        "username": user.username,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-2-TOTAL_FORMS": "0",
        "memberships-2-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def _inline_prefixes(client, user: User) -> list[str]:
    """The inlines' formset prefixes, read from the page (Django numbers repeats)."""
    response = client.get(reverse("admin:registry_user_change", args=[user.pk]))
    return [formset.formset.prefix for formset in response.context["inline_admin_formsets"]]


@pytest.fixture
def admin_client_(client, world):
    client.force_login(world.admin)
    return client


def test_a_role_granted_in_the_admin_is_audited(admin_client_, world):
    held, grant = _inline_prefixes(admin_client_, world.outsider)
    data = _user_change_data(world.outsider)
    data.update(
        {
            f"{grant}-TOTAL_FORMS": "1",
            f"{grant}-INITIAL_FORMS": "0",
            f"{grant}-0-organisation": str(world.b.community.pk),
            f"{grant}-0-role": "liaison",
        }
    )
    data[f"{held}-TOTAL_FORMS"] = "0"
    response = admin_client_.post(
        reverse("admin:registry_user_change", args=[world.outsider.pk]), data
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    assert Membership.objects.filter(
        user=world.outsider, organisation=world.b.community, role="liaison"
    ).exists()
    entry = AuditEntry.objects.get(action="membership.grant")
    assert entry.actor == world.admin
    assert entry.after == {
        "user": world.outsider.username,
        "organisation": world.b.community.code,
        "role": "liaison",
    }


def test_a_role_revoked_in_the_admin_goes_through_the_service(admin_client_, world):
    membership = Membership.objects.get(user=world.a.liaison, role="liaison")
    held, grant = _inline_prefixes(admin_client_, world.a.liaison)
    data = _user_change_data(world.a.liaison)
    data.update(
        {
            f"{held}-TOTAL_FORMS": "1",
            f"{held}-INITIAL_FORMS": "1",
            f"{held}-0-id": str(membership.pk),
            f"{held}-0-user": str(world.a.liaison.pk),
            f"{held}-0-DELETE": "on",
            f"{grant}-TOTAL_FORMS": "0",
            f"{grant}-INITIAL_FORMS": "0",
        }
    )
    response = admin_client_.post(
        reverse("admin:registry_user_change", args=[world.a.liaison.pk]), data
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.get(action="membership.revoke").before["role"] == "liaison"


def test_a_refused_user_save_shows_the_reason_and_writes_nothing(admin_client_, world):
    held, grant = _inline_prefixes(admin_client_, world.admin)
    # Deactivating oneself is refused by user_update; the role granted alongside must not
    # survive the refusal either.
    data = _user_change_data(world.admin, is_active="", display_name="改了名")
    data.update(
        {
            f"{held}-TOTAL_FORMS": "0",
            f"{held}-INITIAL_FORMS": "0",
            f"{grant}-TOTAL_FORMS": "1",
            f"{grant}-INITIAL_FORMS": "0",
            f"{grant}-0-organisation": str(world.b.community.pk),
            f"{grant}-0-role": "liaison",
        }
    )
    audit_before = AuditEntry.objects.count()
    response = admin_client_.post(
        reverse("admin:registry_user_change", args=[world.admin.pk]), data
    )

    assert response.status_code == 200
    assert _zh("You cannot deactivate yourself.") in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active and world.admin.display_name != "改了名"
    assert not Membership.objects.filter(user=world.admin).exists()
    assert AuditEntry.objects.count() == audit_before
    assert not LogEntry.objects.exists()


def test_a_user_change_in_the_admin_is_audited(admin_client_, world):
    response = admin_client_.post(
        reverse("admin:registry_user_change", args=[world.outsider.pk]),
        _user_change_data(world.outsider, display_name="新名字", is_active=""),
    )

    assert response.status_code == 302
    world.outsider.refresh_from_db()
    assert world.outsider.display_name == "新名字"
    assert not world.outsider.is_active
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.before["is_active"] is True
    assert entry.after["is_active"] is False
    assert entry.after["display_name"] == "新名字"


def test_a_user_added_in_the_admin_is_created_by_the_service(admin_client_, world):
    response = admin_client_.post(
        reverse("admin:registry_user_add"),
        {
            "username": "newcomer",
            "display_name": "新同事",
            "email": "",
            "password1": "a-long-enough-passphrase-1",
            "password2": "a-long-enough-passphrase-1",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="newcomer")
    assert user.check_password("a-long-enough-passphrase-1")
    assert AuditEntry.objects.get(action="user.create").object_id == str(user.pk)


def test_a_password_set_in_the_admin_is_audited_without_the_password(admin_client_, world):
    response = admin_client_.post(
        reverse("admin:auth_user_password_change", args=[world.outsider.pk]),
        {
            "password1": "another-long-passphrase-2",
            "password2": "another-long-passphrase-2",
            "set_usable_password": "true",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    world.outsider.refresh_from_db()
    assert world.outsider.check_password("another-long-passphrase-2")
    entry = AuditEntry.objects.get(action="user.password_set")
    assert "another-long-passphrase-2" not in str(entry.after)


def test_a_staff_member_who_is_no_superuser_cannot_change_users(client, world):
    staff = UserFactory(username="staffer", is_staff=True)
    client.force_login(staff)

    response = client.post(
        reverse("admin:registry_user_change", args=[world.outsider.pk]),
        _user_change_data(world.outsider, is_superuser="on"),
    )

    assert response.status_code == 403
    world.outsider.refresh_from_db()
    assert not world.outsider.is_superuser


def test_an_organisation_saved_in_the_admin_is_audited(admin_client_, world):
    street = world.a.street
    response = admin_client_.post(
        reverse("admin:registry_organisation_change", args=[street.pk]),
        {
            "name": "改名街道",
            "parent": str(street.parent_id),
            "level": street.level,
            "staff_count": "3",
            "households": str(street.households),
            "population": str(street.population),
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.after["name"] == "改名街道"
    assert entry.after["staff_count"] == 3


def test_a_refused_organisation_save_shows_the_reason_and_writes_nothing(admin_client_, world):
    district = world.a.district
    # Moving a district under its own street is refused by organisation_update.
    response = admin_client_.post(
        reverse("admin:registry_organisation_change", args=[district.pk]),
        {
            "name": "改名区",
            "parent": str(world.a.street.pk),
            "level": district.level,
            "staff_count": str(district.staff_count),
            "households": str(district.households),
            "population": str(district.population),
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert _zh("An organisation cannot be moved under itself.") in body
    district.refresh_from_db()
    assert district.name != "改名区"
    assert not AuditEntry.objects.filter(action="organisation.update").exists()


def test_an_organisation_added_in_the_admin_is_created_by_the_service(admin_client_, world):
    response = admin_client_.post(
        reverse("admin:registry_organisation_add"),
        {
            "code": "990102099",
            "name": "新社区",
            "kind": "community",
            "parent": str(world.a.street.pk),
            "level": "community",
            "staff_count": "5",
            "households": "100",
            "population": "300",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get(code="990102099")
    assert organisation.path.startswith(world.a.street.path)
    assert AuditEntry.objects.get(action="organisation.create").object_id == str(organisation.pk)


@pytest.mark.parametrize(
    "url_name", ["admin:registry_user_delete", "admin:registry_organisation_delete"]
)
def test_nothing_is_deleted_in_the_admin(admin_client_, world, url_name):
    target = world.outsider if "user" in url_name else world.a.community
    response = admin_client_.post(reverse(url_name, args=[target.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert type(target).objects.filter(pk=target.pk).exists()


def test_the_audit_log_shows_actions_in_words(admin_client_, world):
    from registry import services

    services.membership_grant(
        actor=world.admin, user=world.outsider, organisation=world.b.community, role="liaison"
    )
    response = admin_client_.get(reverse("admin:registry_auditentry_changelist"))

    assert response.status_code == 200
    assert _zh("Role granted") in response.content.decode()
