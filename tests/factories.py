"""factory_boy factories. Organisations get their materialised path like the service gives it."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from registry.models import Membership, Organisation, User

TEST_PASSWORD = "correct-horse-9"
# Hashing once keeps the suite fast; every factory user shares this password.
_TEST_PASSWORD_HASH = make_password(TEST_PASSWORD)


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
    password = _TEST_PASSWORD_HASH


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(CommunityFactory)
    role = "community_cadre"
