"""In-app notifications (and email where configured), fanned out in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from registry.models import Membership, Notification, Organisation, User


@dataclass(frozen=True)
class Message:
    """One notification to each of ``recipients`` (organisation ids)."""

    recipients: Sequence[int]
    kind: str
    title: str
    body: str = ""
    link: str = ""


def _store(rows: list[Notification]) -> int:
    """Insert the notifications in bulk; email follows after commit."""
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    if settings.PORTAL["EMAIL_NOTIFICATIONS"] and created:
        # Through the outbox: a broker outage after the commit neither fails the request
        # nor loses the emails (registry/outbox.py).
        from registry.outbox import enqueue

        enqueue("registry.tasks.notifications_email", [n.pk for n in created])
    return len(created)


def notify_each(*, messages: Iterable[Message]) -> int:
    """Notifications that differ in title or link (a daily job's reminder per notice), all
    in one bulk insert, however many there are."""
    return _store(
        [
            Notification(
                recipient_id=recipient,
                kind=message.kind,
                title=message.title[:200],
                body=message.body,
                link=message.link,
            )
            for message in messages
            for recipient in message.recipients
        ]
    )


def notify_organisations(
    *,
    organisations: Iterable[Organisation],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    links: Mapping[int, str] | None = None,
) -> int:
    """One notification per organisation, in one bulk insert; email follows after commit.

    ``links`` (organisation id -> URL) gives each recipient its own page, ``link`` the rest.
    """
    links = links or {}
    rows = [
        Notification(
            recipient=org, kind=kind, title=title[:200], body=body, link=links.get(org.pk, link)
        )
        for org in organisations
    ]
    return _store(rows)


def notify_dispatch_assignments(*, dispatch, kind: str, title: str, body: str = "") -> int:
    """One notification per community a dispatch reached, each opening that community's
    task in the inbox: one ``INSERT ... SELECT`` from the dispatch's assignments, so a
    province-wide dispatch builds no 20,000 rows in Python; email follows after commit."""
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from registry.models import Assignment

    marker = 987654321
    before, after = reverse("inbox-task", args=[marker]).split(str(marker))
    table = connection.ops.quote_name(Notification._meta.db_table)
    assignments = connection.ops.quote_name(Assignment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient_id, kind, title, body, link, created_at) "
            f"SELECT community_id, %s, %s, %s, %s || CAST(id AS TEXT) || %s, %s "
            f"FROM {assignments} WHERE dispatch_id = %s ORDER BY id RETURNING id",
            [kind, title[:200], body, before, after, timezone.now(), dispatch.pk],
        )
        created = [row[0] for row in cursor.fetchall()]
    if settings.PORTAL["EMAIL_NOTIFICATIONS"] and created:
        from registry.outbox import enqueue

        enqueue("registry.tasks.notifications_email", created)
    return len(created)


@transaction.atomic
def notifications_email(*, notification_ids: list[int]) -> int:
    """Email each notification to the members of its organisation who have an address.

    Safe to run twice, and against a second copy of the same job running at once (a job
    redelivered because its worker was lost): the rows are claimed under a lock (a copy
    skips rows another holds) and marked ``emailed_at`` in the transaction that sends. A
    worker killed before the commit leaves them unmarked, so the redelivered job sends
    them. Only a worker killed between the SMTP server's acceptance and the commit (a
    millisecond window) could make one email go out twice; none is ever lost.
    """
    from django.utils import timezone

    notifications = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(pk__in=notification_ids, emailed_at__isnull=True)
        .order_by("pk")
    )
    if not notifications:
        return 0
    addresses: dict[int, set[str]] = {}
    for org_id, email in (
        Membership.objects.filter(
            organisation_id__in={n.recipient_id for n in notifications},
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("organisation_id", "user__email")
    ):
        addresses.setdefault(org_id, set()).add(email)
    messages = [
        (
            n.title,
            f"{n.body}\n\n{n.link}".strip(),
            settings.DEFAULT_FROM_EMAIL,
            sorted(addresses[n.recipient_id]),
        )
        for n in notifications
        if addresses.get(n.recipient_id)
    ]
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        emailed_at=timezone.now()
    )
    return sent


@transaction.atomic
def notifications_mark_read(*, actor: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark notifications of the actor's organisations read for the actor: the given ones,
    or every unread one when ``notification_ids`` is None. Returns how many changed.

    Not audited, unlike the domain's services: reading a notification changes no state of
    the domain (no task, item or flag moves), only what the notification list highlights.
    Read is each person's own (``NotificationRead``): a colleague in the same organisation
    still sees it unread. One query finds the unread ones, one bulk insert marks them.
    """
    from registry import permissions
    from registry.errors import NotFound
    from registry.models import NotificationRead

    own = {grant.organisation_id for grant in permissions.grants_of(actor)}
    visible = Notification.objects.filter(recipient_id__in=own)
    if notification_ids is not None:
        wanted = set(notification_ids)
        visible = visible.filter(pk__in=wanted)
        if visible.count() != len(wanted):
            raise NotFound()
    unread = list(visible.exclude(reads__user_id=actor.pk).values_list("pk", flat=True).order_by())
    NotificationRead.objects.bulk_create(
        [NotificationRead(user_id=actor.pk, notification_id=pk) for pk in unread],
        batch_size=1000,
        ignore_conflicts=True,  # a second tab marking the same ones at once
    )
    return len(unread)
