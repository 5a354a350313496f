"""Accounts in bulk (issue 16.2): generated usernames and one-time passwords shown once,
the first sign-in forced to choose a password, 离任 keeping history, re-import idempotent."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.hashers import check_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from registry import permissions, services
from registry.errors import IllegalTransition, InvalidInput, PermissionDenied
from registry.models import AuditEntry, Membership, User


def sheet(*rows, header=("姓名", "手机号码", "组织机构代码", "角色")) -> io.BytesIO:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def rows(world):
    return [
        ("张三", "13800000001", world.a.community.code, "社区干部"),
        ("张三", "13800000001", world.a.community2.code, "社区干部"),
        ("李四", "13800000002", world.a.community.code, "社区干部、监测点联络员"),
        ("王五", "13900000003", world.b.community.code, "community_cadre"),
        ("赵六", "13900000004", world.a.district.code, "准入审核人"),
    ]


def test_import_creates_accounts_with_generated_credentials_shown_once(world):
    result = services.accounts_import(actor=world.admin, upload=sheet(*rows(world)))
    assert len(result.credentials) == 4
    assert result.memberships_added == 6
    zhang = User.objects.get(mobile="13800000001")
    assert zhang.display_name == "张三" and zhang.must_change_password
    assert set(zhang.memberships.values_list("organisation__code", "role")) == {
        (world.a.community.code, "community_cadre"),
        (world.a.community2.code, "community_cadre"),
    }
    credential = next(c for c in result.credentials if c.display_name == "张三")
    assert credential.username == zhang.username and credential.username.startswith("c")
    assert credential.street == world.a.street.name
    # Stored only as a hash; the clear password works once.
    assert credential.password not in zhang.password
    assert check_password(credential.password, zhang.password)
    # Grouped per street: A's street and B's street (and the district for the reviewer).
    assert set(result.by_street()) == {
        world.a.street.name,
        world.b.street.name,
        world.a.district.name,
    }
    # Audited like user_create: never the password or the mobile number.
    entry = AuditEntry.objects.get(action="user.create", object_id=str(zhang.pk))
    assert "13800000001" not in str(entry.after) and credential.password not in str(entry.after)


def test_reimporting_the_same_sheet_changes_nothing(world):
    services.accounts_import(actor=world.admin, upload=sheet(*rows(world)))
    users, entries = User.objects.count(), AuditEntry.objects.count()
    again = services.accounts_import(actor=world.admin, upload=sheet(*rows(world)))
    assert again.credentials == [] and again.memberships_added == 0
    assert again.unchanged == 4
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


def test_a_later_sheet_adds_only_the_new_membership(world):
    services.accounts_import(actor=world.admin, upload=sheet(*rows(world)))
    result = services.accounts_import(
        actor=world.admin,
        upload=sheet(("王五", "13900000003", world.b.community2.code, "社区干部")),
    )
    assert result.credentials == [] and result.memberships_added == 1
    assert AuditEntry.objects.filter(action="membership.grant").count() == 1


def test_a_bad_row_imports_nobody_and_names_the_rows(world):
    before = User.objects.count()
    with pytest.raises(InvalidInput) as caught:
        services.accounts_import(
            actor=world.admin,
            upload=sheet(
                ("张三", "13800000001", world.a.community.code, "社区干部"),
                ("李四", "12345", world.a.community.code, "社区干部"),
                ("王五", "13900000003", "NOPE", "社区干部"),
                ("赵六", "13900000004", world.a.community.code, "准入审核人"),  # wrong kind
                ("孙七", "13900000005", world.a.community.code, "队长"),
                ("钱八", "13800000001", world.a.community.code, "社区干部"),  # same mobile
            ),
        )
    found = [(r["row"], r["column"]) for r in caught.value.extra["rows"]]
    assert found == [(3, "手机号码"), (4, "组织机构代码"), (5, "角色"), (6, "角色"), (7, "姓名")]
    assert User.objects.count() == before


def test_only_administrators_import(world):
    with pytest.raises(PermissionDenied):
        services.accounts_import(actor=world.a.reviewer, upload=sheet(*rows(world)))


def test_the_first_sign_in_must_choose_a_new_password(world, client):
    result = services.accounts_import(actor=world.admin, upload=sheet(*rows(world)[:1]))
    (credential,) = result.credentials
    assert client.login(username=credential.username, password=credential.password)
    response = client.get("/inbox/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/api/v1/users/me/").json()["code"] == "password_change_required"
    # Nor does the initial password buy an API token (which would skip the change for good).
    refused = APIClient().post(
        "/api/v1/auth/token/",
        {"username": credential.username, "password": credential.password},
        format="json",
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "password_change_required"
    assert "初始密码" in refused.json()["detail"]
    assert not Token.objects.filter(user__username=credential.username).exists()
    # The header's htmx fragments get nothing (not the password page pasted into them).
    assert client.get("/notifications/badge/", HTTP_HX_REQUEST="true").status_code == 204
    # Django's validators, with Chinese messages.
    weak = client.post(
        "/accounts/password/",
        {
            "old_password": credential.password,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert weak.status_code == 400
    assert "密码" in weak.content.decode()
    good = client.post(
        "/accounts/password/",
        {
            "old_password": credential.password,
            "new_password1": "Lantern-river-42",
            "new_password2": "Lantern-river-42",
        },
    )
    assert good.status_code == 302
    user = User.objects.get(username=credential.username)
    assert not user.must_change_password
    # Re-hashed with the first listed (default) hasher: the cheap initial hash is gone.
    assert not user.password.startswith("pbkdf2_initial$")
    assert client.get("/inbox/").status_code == 200
    issued = APIClient().post(
        "/api/v1/auth/token/",
        {"username": credential.username, "password": "Lantern-river-42"},
        format="json",
    )
    assert issued.status_code == 200 and issued.json()["token"]
    assert AuditEntry.objects.filter(action="user.password_change", object_id=str(user.pk)).exists()


def test_deactivation_keeps_the_account_and_its_history(world, client):
    cadre = world.a.cadre
    services.organisation_update(actor=world.admin, organisation=world.a.community, staff_count=9)
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=cadre)
    services.user_deactivate(actor=world.admin, user=cadre, reason="调离")
    cadre.refresh_from_db()
    assert not cadre.is_active and cadre.left_on is not None
    membership = Membership.objects.get(user=cadre)
    assert membership.ended_on == cadre.left_on
    assert permissions.grants_of(User.objects.get(pk=cadre.pk)) == []
    assert not Token.objects.filter(user=cadre).exists()
    entry = AuditEntry.objects.get(action="user.deactivate")
    assert entry.object_repr == str(cadre) and entry.before["memberships"]
    with pytest.raises(IllegalTransition):
        services.user_deactivate(actor=world.admin, user=cadre)
    # A deactivated account cannot sign in.
    assert not client.login(username=cadre.username, password="x")
    # An old sheet naming them does not bring them back.
    cadre.mobile = "13700000009"
    cadre.save(update_fields=["mobile"])
    result = services.accounts_import(
        actor=world.admin,
        upload=sheet((cadre.display_name, "13700000009", world.a.community.code, "社区干部")),
    )
    assert result.skipped_left == [cadre.display_name]
    assert not User.objects.get(pk=cadre.pk).is_active


def test_the_deactivate_page_asks_and_deactivates(world, client):
    client.force_login(world.admin)
    page = client.get("/accounts/deactivate/")
    assert page.status_code == 200 and "data-confirm" in page.content.decode()
    response = client.post("/accounts/deactivate/", {"username": world.a.cadre.username})
    assert response.status_code == 302
    assert not User.objects.get(pk=world.a.cadre.pk).is_active
    missing = client.post("/accounts/deactivate/", {"username": "nobody"})
    assert missing.status_code == 400


def test_the_import_page_shows_the_credentials_once_with_a_sheet_per_street(world, client):
    client.force_login(world.admin)
    upload = SimpleUploadedFile("cadres.xlsx", sheet(*rows(world)).getvalue())
    response = client.post("/accounts/import/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert "张三" in page and "data:application/vnd.openxmlformats" in page
    assert page.count('download="') == 3
    # Nothing in clear in the database.
    for user in User.objects.filter(mobile__startswith="13"):
        assert user.password.startswith("pbkdf2_initial$")


def test_the_command_writes_the_credentials_workbook(world, tmp_path, capsys):
    source = tmp_path / "cadres.xlsx"
    source.write_bytes(sheet(*rows(world)).getvalue())
    out = tmp_path / "credentials.xlsx"
    call_command("import_users", str(source), "--out", str(out))
    assert "4 accounts created" in capsys.readouterr().out
    book = load_workbook(out)
    assert set(book.sheetnames) == {world.a.street.name, world.b.street.name, world.a.district.name}
    sheet_rows = list(book[world.a.street.name].iter_rows(values_only=True))
    assert sheet_rows[0] == ("街道", "组织", "姓名", "手机号码", "用户名", "初始密码")
    zhang = next(r for r in sheet_rows if r[2] == "张三")
    assert check_password(zhang[5], User.objects.get(username=zhang[4]).password)
    with pytest.raises(CommandError, match="exists"):
        call_command("import_users", str(source), "--out", str(out))


# --- A district's own administrator (区域管理员): accounts of the district, nothing else ------


def test_an_area_administrator_imports_the_accounts_of_their_area(
    world, django_assert_max_num_queries
):
    admin_a = world.a.administrator
    area_rows = [r for r in rows(world) if r[2] != world.b.community.code]
    with django_assert_max_num_queries(40):
        result = services.accounts_import(actor=admin_a, upload=sheet(*area_rows))
    assert {c.display_name for c in result.credentials} == {"张三", "李四", "赵六"}
    audit = AuditEntry.objects.filter(action="user.create", actor=admin_a)
    assert audit.count() == 3
    # Re-importing changes nothing, as for the administrator.
    again = services.accounts_import(actor=admin_a, upload=sheet(*area_rows))
    assert again.credentials == [] and again.memberships_added == 0


def test_an_area_administrator_cannot_reach_outside_the_area_nor_hand_out_their_role(world):
    before = User.objects.count()
    with pytest.raises(InvalidInput) as caught:
        services.accounts_import(
            actor=world.a.administrator,
            upload=sheet(
                ("张三", "13800000001", world.a.community.code, "社区干部"),
                ("王五", "13900000003", world.b.community.code, "社区干部"),  # district B
                ("孙七", "13900000005", world.a.district.code, "区域管理员"),
                ("周八", "13900000006", world.city.code, "督查人员"),  # above the district
            ),
        )
    found = [(r["row"], r["column"], r["message"]) for r in caught.value.extra["rows"]]
    assert found == [
        (3, "组织机构代码", "该组织机构不在您管辖的区域内。"),
        (4, "角色", "只有平台管理员可以授予区域管理员角色。"),
        (5, "组织机构代码", "该组织机构不在您管辖的区域内。"),
    ]
    assert User.objects.count() == before  # all or nothing
    # The portal's administrator may grant it.
    result = services.accounts_import(
        actor=world.admin,
        upload=sheet(("孙七", "13900000005", world.a.district.code, "区域管理员")),
    )
    assert len(result.credentials) == 1


def test_an_area_administrator_deactivates_only_their_area_s_people(world, client):
    admin_a = world.a.administrator
    services.user_deactivate(actor=admin_a, user=world.a.cadre, reason="调离")
    assert not User.objects.get(pk=world.a.cadre.pk).is_active
    for outside in (world.b.cadre, world.admin, world.outsider, world.b.administrator):
        with pytest.raises(PermissionDenied):
            services.user_deactivate(actor=admin_a, user=outside)
        assert User.objects.get(pk=outside.pk).is_active
    # A person with memberships inside and outside the area is the administrator's call.
    Membership.objects.create(user=world.a.reviewer, organisation=world.b.district, role="reviewer")
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=admin_a, user=world.a.reviewer)
    # The page answers as for a username nobody has: nothing learnt about district B.
    client.force_login(admin_a)
    response = client.post("/accounts/deactivate/", {"username": world.b.cadre.username})
    assert response.status_code == 400
    assert "您管辖的区域内没有该用户名的账号" in response.content.decode()
    assert User.objects.get(pk=world.b.cadre.pk).is_active


def test_the_area_administrator_s_workbench_leads_to_the_account_pages(world, client):
    client.force_login(world.a.administrator)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/workbench/administrator/"
    page = client.get(home["Location"]).content.decode()
    assert "账号管理工作台" in page
    assert 'href="/accounts/import/"' in page and 'href="/accounts/deactivate/"' in page
    # Accounts only: no review, no dispatch, no supervision, no Django admin.
    for path in ("/review/", "/dispatch/new/", "/workbench/supervisor/"):
        assert client.get(path).status_code in (403, 404), path
    assert client.get("/manage/").status_code == 302  # the admin's sign-in, not the index
    upload = SimpleUploadedFile("cadres.xlsx", sheet(*rows(world)[:1]).getvalue())
    response = client.post("/accounts/import/", {"file": upload})
    assert response.status_code == 200 and "张三" in response.content.decode()
