"""Certificate issuance registers (certificates app)."""

from __future__ import annotations

import bisect
import datetime
import hashlib
import itertools

from django.apps import apps
from django.db import transaction

from bench import pgload
from bench.data.common import CERTIFICATE_NAMES, GIVEN, INSTITUTIONS, SURNAMES, _aware, _words

# certificates.models.VERIFICATION_ALPHABET (the app may not be installed; it is read by name)
VERIFICATION_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class CertificatesMixin:
    def write_certificates(self) -> None:
        """Issuance registers, if the certificates app is installed (and as its schema is)."""
        spec, rng, today = self.spec, self.rng, self.today
        if not spec.certificate_issuances or not apps.is_installed("certificates"):
            return
        try:
            issuance = apps.get_model("certificates", "CertificateIssuance")
            sequence = apps.get_model("certificates", "IssuanceSequence")
            ctype = apps.get_model("certificates", "CertificateType")
        except LookupError:
            self.progress("certificates: no issuance register model; skipped")
            return
        province = self.areas[0]
        self.progress(f"certificate issuances: generating {spec.certificate_issuances:,}")
        types = ctype.objects.bulk_create(
            ctype(
                name=name,
                status="retained",
                jurisdiction_id=province.id,
                verification="核对户籍与实际居住情况",
                materials="身份证、户口簿",
            )
            for name in CERTIFICATE_NAMES
        )
        cum = list(itertools.accumulate(c.weight for c in self.communities))
        serials: dict[tuple[int, int], int] = {}
        days = 365 * spec.years
        fields = _words(
            "applicant_name applicant_id_masked applicant_id_hash purpose requested_by community "
            "year serial certificate_type issued_by issued_on created_at facts verification_code "
            "request_token withdrawal_reason"
        )
        codes: set[str] = set()

        def verification_code() -> str:
            # As certificates.models.new_verification_code draws them, from the run's own
            # generator (the same province every run), and unique as the column is.
            while True:
                code = "".join(rng.choice(VERIFICATION_ALPHABET) for _ in range(12))
                if code not in codes:
                    codes.add(code)
                    return code

        picks = sorted(
            (
                today - datetime.timedelta(days=rng.randint(0, days)),
                self.communities[bisect.bisect(cum, rng.random() * cum[-1])].id,
            )
            for _ in range(spec.certificate_issuances)
        )

        def rows():
            for day, community_id in picks:
                n = serials[(community_id, day.year)] = serials.get((community_id, day.year), 0) + 1
                number = f"{rng.randrange(10**17):017d}X"
                yield (
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    f"{number[:3]}************{number[-3:]}",
                    hashlib.sha256(number.encode()).hexdigest(),
                    "办理业务",
                    rng.choice(INSTITUTIONS),
                    community_id,
                    day.year,
                    n,
                    rng.choice(types).pk,
                    self.cadre_user[community_id],
                    day,
                    _aware(day, rng.randint(9 * 3600, 17 * 3600)),
                    "",
                    verification_code(),
                    "",
                    "",
                )

        with transaction.atomic():  # a savepoint: a changed schema skips, not fails, the run
            try:
                with pgload.secondary_indexes_dropped([issuance], self.progress):
                    self.counts["certificate_issuances"] = pgload.copy_rows(
                        issuance, fields, rows()
                    )
                sequence.objects.bulk_create(
                    (
                        sequence(community_id=c, year=y, last_value=n)
                        for (c, y), n in serials.items()
                    ),
                    batch_size=5_000,
                )
            except Exception as exc:  # another helper's schema may differ
                transaction.set_rollback(True)
                self.progress(f"certificates: skipped ({type(exc).__name__}: {exc})")
                return
        self.progress(f"certificate issuances: {self.counts['certificate_issuances']}")
