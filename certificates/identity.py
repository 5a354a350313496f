"""Applicants' ID numbers: validated, then kept only masked (for people) and hashed (for
matching repeat requests). The clear number never reaches the database, the audit log, a
response or a page.

The hash is an HMAC-SHA256 keyed from SECRET_KEY, so a leaked table cannot be reversed by
hashing every possible ID number (there are only ~10^11 of them) without the key. Rotating
SECRET_KEY therefore stops old rows matching new requests; that is the price of it.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from registry.errors import InvalidInput

_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
# GB 11643-1999: weights of the first 17 digits, and the check character for sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_HMAC_SALT = "certificates.applicant_id_number"
_SPACE_BETWEEN_CJK = re.compile(r"(?<=[\u2e80-\u9fff]) (?=[\u2e80-\u9fff])")


def normalise_id_number(value: str) -> str:
    """Full-width digits and spaces as people type them on phones -> '11010519491231002X'."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", "", text).upper()


def id_check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> str:
    """The normalised 18-character resident ID number, or InvalidInput naming the field."""
    number = normalise_id_number(value)
    if not _RESIDENT_ID.match(number):
        message = _("An ID number has 18 characters: 17 digits and a final digit or X.")
        raise InvalidInput(message, fields={"applicant_id_number": [message]})
    if id_check_character(number[:17]) != number[17]:
        message = _("This ID number's check character is wrong; please check it again.")
        raise InvalidInput(message, fields={"applicant_id_number": [message]})
    return number


def mask_id_number(number: str) -> str:
    """Only the first character and the last four stay visible: '4*************1234'."""
    return number[:1] + "*" * (len(number) - 5) + number[-4:]


def hash_id_number(number: str) -> str:
    return salted_hmac(_HMAC_SALT, normalise_id_number(number), algorithm="sha256").hexdigest()


def normalise_institution(value: str) -> str:
    """One spelling per institution, so refusals add up: NFKC, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = re.sub(r"\s+", " ", text).strip()
    # "中国 银行" is "中国银行": Chinese has no spaces between words.
    return _SPACE_BETWEEN_CJK.sub("", text)
