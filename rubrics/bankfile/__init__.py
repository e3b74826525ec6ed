"""The bank file (docs/bank-format.md): parse, validate, import and export question banks.

One function serialises each kind of installed item to its file entry
(`scale_entry`, `competency_entry`, ...). Export writes those entries, and
import compares them with the normalised file entries to decide whether an
item changed, so "identical content" means exactly "would export the same".

Validation reads the database (references, ownership) but never writes; every
problem is collected with its place before `BankFileError` is raised, and
`import_bank` writes nothing unless the whole file is valid.
"""

from .base import (
    FORMAT,
    KEY_MAX,
    KINDS,
    SECTIONS,
    SUPPORTED_FORMATS,
    BankData,
    BankFileError,
    tag_name_from_key,
)
from .checking import FIELDS, Checker
from .exporting import (
    bank_entry,
    competency_entry,
    curated_set_entry,
    export_bank,
    export_document,
    exported_items,
    ladder_entry,
    question_entry,
    role_entry,
    scale_entry,
    tag_entry,
)
from .importing import OUTCOMES, ImportReport, import_bank
from .parsing import parse_bank
from .reading import MAX_BYTES, MAX_DEPTH, MAX_INT_DIGITS, Document, load_yaml, read_yaml
from .resolving import Resolver

__all__ = [
    "FIELDS",
    "FORMAT",
    "KEY_MAX",
    "KINDS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "OUTCOMES",
    "SECTIONS",
    "SUPPORTED_FORMATS",
    "BankData",
    "BankFileError",
    "Checker",
    "Document",
    "ImportReport",
    "Resolver",
    "bank_entry",
    "competency_entry",
    "curated_set_entry",
    "export_bank",
    "export_document",
    "exported_items",
    "import_bank",
    "ladder_entry",
    "load_yaml",
    "parse_bank",
    "question_entry",
    "read_yaml",
    "role_entry",
    "scale_entry",
    "tag_entry",
    "tag_name_from_key",
]
