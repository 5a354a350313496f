"""What every demo step shares: the demo city's fixed names, the context a step receives,
the step itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from registry import services
from registry.models import Organisation, User

# One password for every demo login: memorable, and accepted by Django's validators.
DEMO_PASSWORD = "Demo-2026!"


ADMIN_USERNAME = "admin"


PROVINCE = ("990000", "示范省")


CITY = ("990100", "示范市")


CADRE_COMMUNITY = "990102001001"  # 朝阳社区, a monitoring point: cadre and liaison meet there


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    organisation: str
    password_unchanged: bool = True  # False: the account existed with another password


@dataclass
class DemoContext:
    """What the steps share: the acting administrator, what exists, what to print."""

    write: Callable[[str], None] = lambda message: None
    actor: User | None = None
    organisations: dict[str, Organisation] = field(default_factory=dict)
    logins: list[Login] = field(default_factory=list)
    created: int = 0
    existing: int = 0

    def organisation(self, code: str) -> Organisation:
        if code not in self.organisations:
            self.organisations[code] = Organisation.objects.get(code=code)
        return self.organisations[code]

    def ensure_organisation(
        self,
        *,
        code: str,
        name: str,
        kind: str,
        parent_code: str | None,
        level: str,
        **figures: int | bool,
    ) -> Organisation:
        """Create the organisation through the service unless its code already exists."""
        found = self.organisations.get(code) or Organisation.objects.filter(code=code).first()
        if found is not None:
            self.existing += 1
        else:
            found = services.organisation_create(
                actor=self.actor,
                code=code,
                name=name,
                kind=kind,
                level=level,
                parent=self.organisation(parent_code) if parent_code else None,
                **figures,
            )
            self.created += 1
        self.organisations[code] = found
        return found


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[DemoContext], None]
