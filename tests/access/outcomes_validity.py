"""Access registry: the validity page (recruiters and admins only; everyone else 403).

Recruiters who still owe a scorecard get the page too, without the applications they
owe (tests/outcomes/test_validity_views.py checks what is left out).
"""

from .registry import Access, recruiters

ENTRIES = {
    "outcomes:validity": Access(expect=recruiters(200)),
}
