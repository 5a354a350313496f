"""The demo city: a fictional 示范市 with districts, streets, communities, departments and users.

``python manage.py seed_demo`` runs ``seed()``, which runs ``STEPS`` in order. Each step is
idempotent: it looks rows up by code or username and creates only what is missing, through
the services, so every row is validated and audited exactly like one an administrator
makes, and a second run changes nothing (no rows, no audit entries).

Later features add their own steps (work items, applications, dispatches ...): in
registry, by adding a ``Step`` to ``city.STEPS`` or ``activity.STEPS``; in another app, by defining
``DEMO_STEPS = [Step(...), ...]`` in ``<app>/demo.py``, which ``seed()`` finds by name
after registry's own steps (in ``INSTALLED_APPS`` order), so registry imports no other
app. A step receives the ``DemoContext`` with the actor and every organisation and user
created so far.

Codes follow the shape of real administrative division codes (GB/T 2260 and the statistical
division codes): province ``990000``, city ``990100``, districts ``9901xx`` (counties from
``990121``), streets and towns 9 digits (街道 ``001``-, 镇 ``100``-, 乡 ``200``-), communities
and villages 12 digits (社区 ``001``-, 村 ``200``-). ``99`` is not a real province prefix.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from importlib import import_module

from django.apps import apps
from django.db import transaction

from registry.demo import activity, city
from registry.demo.city import DEMO_USERS
from registry.demo.context import (
    ADMIN_USERNAME,
    CADRE_COMMUNITY,
    CITY,
    DEMO_PASSWORD,
    PROVINCE,
    DemoContext,
    Login,
    Step,
)
from registry.services.dashboard_rollups import dashboard_rollups_refresh


def app_steps() -> list[Step]:
    """The ``DEMO_STEPS`` of every other installed app's ``demo`` module, if it has one."""
    steps: list[Step] = []
    for config in apps.get_app_configs():
        if config.name == "registry":
            continue
        module_name = f"{config.name}.demo"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise  # the demo module exists but something it imports does not
            continue
        steps.extend(getattr(module, "DEMO_STEPS", ()))
    return steps


def _rollups(ctx: DemoContext) -> None:
    # Last, once every app has written its tasks: the dashboard reads the demo's past
    # months from the roll-ups as a deployment's does after its first night.
    dashboard_rollups_refresh()


ROLLUPS = Step("dashboard roll-ups", _rollups)


@transaction.atomic
def seed(write: Callable[[str], None] = lambda message: None) -> DemoContext:
    """Run every step in order, reporting per step what was created and what already was.

    All or nothing: a step that fails leaves the database as it was before the run."""
    ctx = DemoContext(write=write)
    steps = [*city.STEPS, *activity.STEPS, *app_steps(), ROLLUPS]
    for number, step in enumerate(steps, start=1):
        created_before, existing_before = ctx.created, ctx.existing
        step.run(ctx)
        write(
            f"[{number}/{len(steps)}] {step.name}: {ctx.created - created_before} created, "
            f"{ctx.existing - existing_before} already there"
        )
    return ctx


@transaction.atomic
def demo_allow_in_production(*, actor) -> None:
    """Record (once, audited) that the demo logins may sign in although DEBUG is off."""
    from registry.audit import audit_record
    from registry.auth import DEMO_IN_PRODUCTION_ACTION, demo_allowed_in_production

    if not demo_allowed_in_production():
        audit_record(
            actor=actor,
            action=DEMO_IN_PRODUCTION_ACTION,
            obj=actor,
            after={"allowed": True},
        )


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def login_table(logins: list[Login]) -> str:
    """The demo logins as a plain-text table, Chinese and English headers."""
    header = ("用户名 Username", "密码 Password", "角色 Role", "身份 Who")
    rows = [
        (
            login.username,
            login.password if login.password_unchanged else "(已修改 changed)",
            login.role,
            login.organisation,
        )
        for login in logins
    ]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        padded = (c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


__all__ = [
    "ADMIN_USERNAME",
    "CADRE_COMMUNITY",
    "CITY",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "PROVINCE",
    "DemoContext",
    "Login",
    "Step",
    "app_steps",
    "demo_allow_in_production",
    "login_table",
    "seed",
]
