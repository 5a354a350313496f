"""Enqueueing that never fails the request: the transactional outbox.

``enqueue("registry.tasks.notifications_email", ids)`` inside a service's transaction
writes an ``OutboxMessage`` row with the change itself. After the commit it is handed to
the broker at once; if the broker (Redis) is down that fails fast, is logged, and the row
waits. The ``outbox-drain`` beat job (config/celery.py) hands over whatever waits. Each row
is handed over by one process at a time (a row lock, ``skip_locked``) and marked sent in
the same transaction, so nothing is lost and nothing is handed over twice.

Before this, a dispatch with email notifications answered 500 after 19 s of broker
retries although the dispatch was saved, so the user's retry duplicated it.
"""

from __future__ import annotations

import logging
import socket
from importlib import import_module

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from registry.models import OutboxMessage

log = logging.getLogger(__name__)

DRAIN_BATCH = 500


def enqueue(task: str, *args) -> OutboxMessage:
    """Record ``task(*args)`` in the current transaction; hand it over after the commit."""
    message = OutboxMessage.objects.create(task=task, args=list(args))
    transaction.on_commit(lambda: _hand_over_one(message.pk))
    return message


def _send(message: OutboxMessage) -> None:
    # retry=False: one attempt, no 19 s of kombu retries inside a request.
    # ignore_result: nobody waits for these results, and subscribing to the result store
    # would retry its own connection for seconds when Redis is down.
    current_app.send_task(message.task, args=message.args, retry=False, ignore_result=True)


def _hand_over(message: OutboxMessage) -> bool:
    """Send one locked row; mark it sent, or note the failure and leave it waiting."""
    try:
        if current_app.conf.task_always_eager:
            # No broker (the demo, tests): run the task here, as .delay() would.
            # Import the task's module first: enqueued by name, it may not be registered in
            # this process yet (Celery discovers task modules lazily).
            import_module(message.task.rsplit(".", 1)[0])
            current_app.tasks[message.task].apply(args=message.args, throw=True)
        else:
            _send(message)
    except Exception as exc:  # any broker or task error: the row stays for the drain job
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        message.save(update_fields=["attempts", "last_error"])
        log.warning(
            "outbox: %s (message %s) not handed over, left for the drain job: %s",
            message.task,
            message.pk,
            exc,
        )
        return False
    message.sent_at = timezone.now()
    message.attempts += 1
    message.save(update_fields=["sent_at", "attempts"])
    return True


def _broker_reachable(timeout: float = 0.5) -> bool:
    """A TCP connect to the broker, bounded: the Redis client's own retries take ~6 s
    (three with backoff) before failing, too long to spend inside a request."""
    connection = current_app.connection_for_write()
    try:
        if connection.transport_cls in ("memory", "kombu.transport.memory:Transport"):
            return True
        host = connection.hostname or "127.0.0.1"
        port = connection.port or connection.default_port
    finally:
        connection.release()
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        return False
    return True


def _hand_over_one(pk: int) -> None:
    if not current_app.conf.task_always_eager and not _broker_reachable():
        log.warning("outbox: the broker is unreachable; message %s waits for the drain job", pk)
        OutboxMessage.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error="broker unreachable"
        )
        return
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if message is not None:
                _hand_over(message)
    except Exception:  # after the commit nothing may fail the request that made the change
        log.exception("outbox: handing over message %s failed; the drain job retries", pk)


def outbox_drain(limit: int = DRAIN_BATCH) -> dict[str, int]:
    """Hand over what waits, oldest first (the beat job). Safe to run in several processes."""
    sent = failed = 0
    with transaction.atomic():
        waiting = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("created_at", "pk")[:limit]
        )
        for message in waiting:
            if _hand_over(message):
                sent += 1
            else:
                failed += 1
                break  # the broker is down: the rest would fail the same way
    return {"sent": sent, "failed": failed, "waiting": len(waiting) - sent}
