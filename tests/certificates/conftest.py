"""Fixtures of the certificates tests."""

from __future__ import annotations

import pytest

from certificates.models import CertificateType
from certificates.national import load_national_batch


@pytest.fixture(autouse=True)
def national_batch(db):
    """The national batch the migration loads. A transactional test (ours or another
    app's) flushes the tables when it ends, migration data included; load it again."""
    load_national_batch(CertificateType)
