"""Every change of state in the certificates app, one function each: permission-checked,
validated, audited. One module per domain, re-exported here
(``from certificates import services``):

- ``catalogue``: reviewers create or import types for their area; which are prohibited where.
- ``proposals``: a department proposes a retained type through the registry's admission
  workflow (subject ``certificate_type``), and approval admits it.
- ``register``: a cadre issues a retained type (gapless serial per community and year);
  asking for a prohibited type records a refusal and raises ``CertificateProhibited``.
"""

from certificates.services.catalogue import (
    CERTIFICATE_TYPE_SUBJECT,
    EDITABLE_TYPE_FIELDS,
    TYPE_FIELDS,
    CertificateProhibited,
    ImportSummary,
    certificate_type_create,
    certificate_type_update,
    certificate_types_import,
    fill_search_fields,
    prohibition_named,
    prohibitions_at,
    refuse_if_prohibited_there,
    validate_type,
)
from certificates.services.proposals import (
    certificate_type_admit,
    certificate_type_checks,
    certificate_type_proposal_update,
    certificate_type_propose,
)
from certificates.services.register import (
    ISSUANCE,
    certificate_issuance_withdraw,
    certificate_issue,
    issuance_confirm_id_number,
)

__all__ = [
    "CERTIFICATE_TYPE_SUBJECT",
    "EDITABLE_TYPE_FIELDS",
    "ISSUANCE",
    "TYPE_FIELDS",
    "CertificateProhibited",
    "ImportSummary",
    "certificate_issuance_withdraw",
    "certificate_issue",
    "certificate_type_admit",
    "certificate_type_checks",
    "certificate_type_create",
    "certificate_type_proposal_update",
    "certificate_type_propose",
    "certificate_type_update",
    "certificate_types_import",
    "fill_search_fields",
    "issuance_confirm_id_number",
    "prohibition_named",
    "prohibitions_at",
    "refuse_if_prohibited_there",
    "validate_type",
]
