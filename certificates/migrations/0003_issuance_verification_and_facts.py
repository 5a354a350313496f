"""Issuances get the facts they certify, a verification code (printed with a QR code and
checked on a public page), a withdrawal, and a request token against double submission.

Existing lines get their own random codes before the column becomes unique.
"""

from django.db import migrations, models

import certificates.models


def give_codes(apps, schema_editor):
    issuance_model = apps.get_model("certificates", "CertificateIssuance")
    used: set[str] = set()
    rows = list(issuance_model.objects.filter(verification_code__isnull=True).only("pk"))
    for row in rows:
        code = certificates.models.new_verification_code()
        while code in used:
            code = certificates.models.new_verification_code()
        used.add(code)
        row.verification_code = code
    issuance_model.objects.bulk_update(rows, ["verification_code"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0002_national_batch"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificateissuance",
            name="facts",
            field=models.TextField(blank=True, verbose_name="facts certified"),
        ),
        migrations.AddField(
            model_name="certificateissuance",
            name="request_token",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="certificateissuance",
            name="verification_code",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificateissuance",
            name="verification_code",
            field=models.CharField(
                default=certificates.models.new_verification_code,
                editable=False,
                max_length=16,
                unique=True,
                verbose_name="verification code",
            ),
        ),
        migrations.AddField(
            model_name="certificateissuance",
            name="withdrawal_reason",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=200,
                verbose_name="reason for the withdrawal",
            ),
        ),
        migrations.AddField(
            model_name="certificateissuance",
            name="withdrawn_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="withdrawn on"
            ),
        ),
        migrations.AddConstraint(
            model_name="certificateissuance",
            constraint=models.UniqueConstraint(
                condition=models.Q(("request_token", ""), _negated=True),
                fields=("community", "request_token"),
                name="issuance_request_once",
            ),
        ),
    ]
