"""A bank file from text to valid `BankData`: read, check, resolve; every problem listed."""

from accounts.validators import shown

from .base import SECTIONS, SUPPORTED_FORMATS, BankData, BankFileError, _is_int
from .checking import FIELDS, Checker, _read_sections
from .reading import MAX_BYTES, read_yaml
from .resolving import _check_references


def parse_bank(text: str, *, max_bytes: int = MAX_BYTES) -> BankData:
    """Read and validate a bank file; raise BankFileError listing every problem.

    Reading is bounded (`reading`); every value is then type-checked and every
    text checked for what its column can store, each problem with its path and
    line, before any reference is looked up in the database.
    """
    document = read_yaml(text, max_bytes=max_bytes)
    raw = document.value
    if not isinstance(raw, dict):
        raise BankFileError(["file: a bank file is a YAML mapping (format, bank, questions, ...)"])
    c = Checker(document)
    fmt = raw.get("format")
    if fmt is None:
        c.problem("format", f"required (supported: {_formats()})")
        raise BankFileError(c.problems)
    if not _is_int(fmt) or fmt not in SUPPORTED_FORMATS:
        c.problem("format", f"unsupported format {shown(fmt)}; supported: {_formats()}")
        raise BankFileError(c.problems)
    for name in raw:
        if name not in FIELDS["top"]:
            c.problem(str(name), "unknown field")
    bank, sections = _read_sections(c, raw)
    _check_references(c, bank["key"], sections)
    if c.problems:
        raise BankFileError(c.problems)
    return _bank_data(bank, sections)


def _formats() -> str:
    return ", ".join(str(f) for f in SUPPORTED_FORMATS)


def _bank_data(bank: dict, sections: dict) -> BankData:
    data = BankData(bank=bank, **{s: [e for _, e in sections[s]] for s in SECTIONS})
    listed = {t["key"] for t in data.tags}
    data.used_tags = sorted({k for q in data.questions for k in q["tags"]} - listed)
    return data
