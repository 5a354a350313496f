"""factory_boy factories. Organisations get their materialised path like the service gives it."""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password

from registry.models import Frequency, ListKind, Membership, Organisation, User, WorkItem

TEST_PASSWORD = "correct-horse-9"


@functools.cache
def hashed_test_password() -> str:
    """Hashed once, with the fast hasher tests/conftest.py puts first; every user shares it."""
    return make_password(TEST_PASSWORD)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试组织{n}")
    kind = Organisation.Kind.AREA
    level = Organisation.Level.CITY
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        organisation = model_class(*args, **kwargs)
        organisation.path = organisation.compute_path()
        organisation.depth = organisation.parent.depth + 1 if organisation.parent else 0
        organisation.save()
        return organisation


class AreaFactory(OrganisationFactory):
    kind = Organisation.Kind.AREA
    level = Organisation.Level.DISTRICT
    name = factory.Sequence(lambda n: f"测试区{n}")


class DepartmentFactory(OrganisationFactory):
    kind = Organisation.Kind.DEPARTMENT
    level = Organisation.Level.DEPARTMENT
    name = factory.Sequence(lambda n: f"测试局{n}")
    parent = factory.SubFactory(AreaFactory)


class CommunityFactory(OrganisationFactory):
    kind = Organisation.Kind.COMMUNITY
    level = Organisation.Level.COMMUNITY
    name = factory.Sequence(lambda n: f"测试社区{n}")
    parent = factory.SubFactory(AreaFactory, level=Organisation.Level.STREET)
    staff_count = 9
    households = 3200
    population = 8600


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.LazyFunction(hashed_test_password)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(CommunityFactory)
    role = "community_cadre"


class WorkItemFactory(factory.django.DjangoModelFactory):
    """An admitted, active item of a district department (pass jurisdiction/department)."""

    class Meta:
        model = WorkItem
        skip_postgeneration_save = True

    admission_number = factory.Sequence(lambda n: f"F-2026-{n:04d}")
    list_kind = ListKind.ASSIST
    title = factory.Sequence(lambda n: f"测试事项{n}")
    legal_basis = "《测试条例》第一条"
    frequency = Frequency.MONTHLY
    hours_per_occurrence = Decimal("2")
    households_per_occurrence = 0
    valid_from = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=700))
    status = WorkItem.Status.ACTIVE

    @factory.post_generation
    def scope(self, create, extracted, **kwargs):
        if create and extracted:
            self.scope.set(extracted)
