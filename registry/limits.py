"""How much one request may carry: the documented maximum sizes of lists and texts.

A province has ~20,000 communities; a dispatch or a scope names areas, not every community
code, so a list of codes longer than ``MAX_CODES`` is a 400 (docs/security.md, "Limits"). Texts
have lengths too: a 4 MB description was accepted and copied into the audit log forever.
The API (serializers, so the OpenAPI schema shows them), the page forms and the services
(``registry.services.common.full_clean``, the net under both) use these numbers.
"""

from __future__ import annotations

# Organisation codes in one list (scope, communities, areas).
MAX_CODES = 2_000
# Memberships given in one user create.
MAX_MEMBERSHIPS = 50
# Hearing participants, data fields and other short lists of entries.
MAX_ENTRIES = 500

# A title or a name.
SHORT_TEXT = 200
# A reason, a note, a comment.
NOTE_TEXT = 4_000
# A description, instructions, a legal basis, a summary: a page or two of text.
LONG_TEXT = 20_000
