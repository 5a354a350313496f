"""The organisation tree (province to communities, departments) and its people."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bench import pgload
from bench.data.common import BUREAUS, CITY_NAMES, DISTRICT_SUFFIXES, Org, _split, _words
from bench.data.spec import ADMIN_USERNAME, BENCH_PASSWORD, REVIEWER_USERNAME, SUPERVISOR_USERNAME
from registry.models import (
    Membership,
    Organisation,
    Role,
    User,
)


class TreeMixin:
    # --- the tree -------------------------------------------------------------------------

    def build_tree(self) -> None:
        spec, rng = self.spec, self.rng
        next_id = itertools.count(pgload.next_id(Organisation))
        code = spec.province_code
        province = Org(next(next_id), code, "示范省", "area", "province", None, f"/{code}/", 0)
        self.areas.append(province)
        districts_per_city = _split(spec.districts, spec.cities, rng, 0.3)
        streets_per_district = iter(_split(spec.streets, spec.districts, rng, 0.5))
        communities_per_street = iter(_split(spec.communities, spec.streets, rng, 0.7))
        for c, n_districts in enumerate(districts_per_city, start=1):
            city_name = (
                CITY_NAMES[(c - 1) % len(CITY_NAMES)]
                + ("" if c <= len(CITY_NAMES) else str(c))
                + "市"
            )
            city = self._child(province, next(next_id), f"{code}{c:02d}", city_name, "city")
            for d in range(1, n_districts + 1):
                suffix = DISTRICT_SUFFIXES[(d - 1) % len(DISTRICT_SUFFIXES)]
                name = f"{city_name[:-1]}{suffix}" + ("" if d <= len(DISTRICT_SUFFIXES) else str(d))
                district = self._child(city, next(next_id), f"{city.code}{d:02d}", name, "district")
                for s in range(1, next(streets_per_district) + 1):
                    kind = "镇" if suffix == "县" else "街道"
                    street = self._child(
                        district, next(next_id), f"{district.code}{s:03d}", f"第{s}{kind}", "street"
                    )
                    for m in range(1, next(communities_per_street) + 1):
                        self._community(street, next(next_id), m)
        self._departments(next_id)
        self.progress(
            f"tree: {len(self.areas)} areas, {len(self.communities)} communities, "
            f"{len(self.departments)} departments"
        )

    def _child(self, parent: Org, pk: int, code: str, name: str, level: str) -> Org:
        org = Org(pk, code, name, "area", level, parent, f"{parent.path}{code}/", parent.depth + 1)
        self.areas.append(org)
        return org

    def _community(self, street: Org, pk: int, number: int) -> None:
        rng = self.rng
        village = street.name.endswith("镇") or rng.random() < 0.2
        code = f"{street.code}{number:03d}"
        households = rng.randint(300, 6_000)
        roll = rng.random()
        # Most communities get an ordinary share of the work; a few get far more.
        weight = (
            rng.uniform(6, 12) if roll < 0.015 else rng.uniform(2, 4) if roll < 0.135 else 1.0
        ) * rng.uniform(0.6, 1.4)
        org = Org(
            pk,
            code,
            f"{street.name}{number}{'村' if village else '社区'}",
            "community",
            "village" if village else "community",
            street,
            f"{street.path}{code}/",
            street.depth + 1,
            staff_count=rng.randint(3, 12),
            households=households,
            population=int(households * rng.uniform(2.4, 3.2)),
            is_monitoring_point=rng.random() < 0.02,
            weight=weight,
        )
        self.communities.append(org)
        area = street
        while area is not None:
            self.under.setdefault(area.id, []).append(org)
            area = area.parent

    def _departments(self, next_id: Iterator[int]) -> None:
        spec, rng = self.spec, self.rng
        cities = [a for a in self.areas if a.level == "city"]
        districts = [a for a in self.areas if a.level == "district"]
        city_share = max(len(cities), round(spec.departments * 0.28))
        homes = [cities[i % len(cities)] for i in range(city_share)] + [
            districts[i % len(districts)] for i in range(spec.departments - city_share)
        ]
        seen: dict[int, int] = {}
        for area in homes:
            n = seen[area.id] = seen.get(area.id, 0) + 1
            bureau = BUREAUS[(n - 1) % len(BUREAUS)] + ("" if n <= len(BUREAUS) else str(n))
            code = f"D{area.code}-{n:03d}"
            self.departments.append(
                Org(
                    next(next_id),
                    code,
                    f"{area.name}{bureau}",
                    "department",
                    "department",
                    area,
                    f"{area.path}{code}/",
                    area.depth + 1,
                )
            )
        # How much each department dispatches: a long tail (Zipf-like). The first city's
        # first department is the busiest, and owns the benchmark's item.
        ranks = list(range(2, len(self.departments) + 1))
        rng.shuffle(ranks)
        for dept, rank in zip(self.departments[1:], ranks, strict=True):
            dept.weight = 1 / rank**0.6
        self.departments[0].weight = 1.0
        self.refusal_hot = set(
            rng.sample([d.id for d in self.departments], k=max(1, len(self.departments) // 50))
        )
        self.emergency_heavy = set(
            rng.sample([d.id for d in self.departments], k=max(1, len(self.departments) // 100))
        )

    def write_tree(self) -> None:
        fields = _words(
            "id code name kind level parent path depth staff_count households population "
            "is_monitoring_point is_active"
        )
        rows = (
            (
                o.id,
                o.code,
                o.name,
                o.kind,
                o.level,
                o.parent.id if o.parent else None,
                o.path,
                o.depth,
                o.staff_count,
                o.households,
                o.population,
                o.is_monitoring_point,
                True,
            )
            for o in itertools.chain(self.areas, self.communities, self.departments)
        )
        self.counts["organisations"] = pgload.copy_rows(Organisation, fields, rows)
        pgload.sync_sequence(Organisation)

    # --- people ---------------------------------------------------------------------------

    def write_users(self) -> None:
        """A staff user per department, a cadre per community, and a supervisor, reviewer
        and administrator for the province and its first city."""
        password = make_password(BENCH_PASSWORD)
        now = timezone.now()
        province = self.areas[0]
        first_city = next(a for a in self.areas if a.level == "city")
        plan: list[tuple[str, str, Org | None, str | None]] = [
            (ADMIN_USERNAME, "基准管理员", None, None),
            (SUPERVISOR_USERNAME, "省督查员", province, Role.SUPERVISOR),
            (REVIEWER_USERNAME, f"{first_city.name}审核员", first_city, Role.REVIEWER),
        ]
        plan += [
            (f"staff_{d.code}", f"{d.name}经办人", d, Role.DEPARTMENT_STAFF)
            for d in self.departments
        ]
        plan += [
            (f"cadre_{c.code}", f"{c.name}干部", c, Role.COMMUNITY_CADRE) for c in self.communities
        ]
        users = [
            User(
                username=username,
                display_name=name,
                password=password,
                date_joined=now,
                is_superuser=username == ADMIN_USERNAME,
                is_staff=username == ADMIN_USERNAME,
            )
            for username, name, _org, _role in plan
        ]
        User.objects.bulk_create(users, batch_size=5_000)
        memberships = []
        for user, (_username, _name, org, role) in zip(users, plan, strict=True):
            if org is None:
                continue
            memberships.append(Membership(user=user, organisation_id=org.id, role=role))
            if role == Role.DEPARTMENT_STAFF:
                self.staff_user[org.id] = user.pk
            elif role == Role.COMMUNITY_CADRE:
                self.cadre_user[org.id] = user.pk
            elif role == Role.REVIEWER:
                self.reviewer_id = user.pk
        Membership.objects.bulk_create(memberships, batch_size=5_000)
        self.counts["users"] = len(users)
        self.progress(f"users: {len(users)} with {len(memberships)} memberships")
