"""The national first batch of prohibited certificates (民发〔2020〕20号), from the CSV files
in certificates/data/: the batch as published (seq, name, redirect_suggestion) and the other
names residents use for each, kept apart so the published file stays verbatim."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
BATCH_FILE = DATA / "certificates_prohibited_2020.csv"
SYNONYMS_FILE = DATA / "certificate_synonyms.csv"
SOURCE = (
    "民政部等六部门《关于改进和规范基层群众性自治组织出具证明工作的指导意见》"
    "（民发〔2020〕20号）第一批不应由村（居）委会出具的证明事项"
)


def national_batch() -> list[dict]:
    """[{"seq", "name", "redirect", "synonyms"}] in the published order."""
    with SYNONYMS_FILE.open(encoding="utf-8", newline="") as handle:
        synonyms = {
            row["name"].strip(): [s.strip() for s in row["synonyms"].split("、") if s.strip()]
            for row in csv.DictReader(handle)
        }
    with BATCH_FILE.open(encoding="utf-8", newline="") as handle:
        return [
            {
                "seq": int(row["seq"]),
                "name": row["name"].strip(),
                "redirect": row["redirect_suggestion"].strip(),
                "synonyms": synonyms.get(row["name"].strip(), []),
            }
            for row in csv.DictReader(handle)
        ]


def load_national_batch(certificate_type_model) -> int:
    """Create the batch's types that are missing (by name, nationwide); return how many.

    Takes the model class so that the data migration can pass its historical model.
    """
    from certificates.search import pinyin_initials, search_text

    created = 0
    for entry in national_batch():
        _type, was_created = certificate_type_model.objects.get_or_create(
            jurisdiction=None,
            name=entry["name"],
            defaults={
                "status": "prohibited",
                "redirect": entry["redirect"],
                "legal_basis": SOURCE,
                "synonyms": entry["synonyms"],
                "initials": pinyin_initials(entry["name"])[:100],
                "search_text": search_text(entry["name"], entry["synonyms"]),
                "national_seq": entry["seq"],
            },
        )
        created += was_created
    return created
