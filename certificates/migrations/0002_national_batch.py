"""Load the national first batch of 20 prohibited certificates (民发〔2020〕20号).

Idempotent: a type already there (by name, nationwide) is left as it is, so running the
migration again, or after a reviewer edited an entry, changes nothing. Reference data
loaded with the schema is not an action anyone took, so it writes no audit entries.
"""

from django.db import migrations


def load(apps, schema_editor):
    from certificates.national import load_national_batch

    load_national_batch(apps.get_model("certificates", "CertificateType"))


def unload(apps, schema_editor):
    from certificates.national import national_batch

    CertificateType = apps.get_model("certificates", "CertificateType")
    names = [entry["name"] for entry in national_batch()]
    CertificateType.objects.filter(
        jurisdiction=None, name__in=names, issuances=None, refusals=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
