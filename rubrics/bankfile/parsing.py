"""A bank file from text to valid `BankData`: read, check, resolve; every problem listed."""

from .base import SECTIONS, SUPPORTED_FORMATS, BankData, BankFileError, _is_int
from .checking import FIELDS, Checker, _read_sections
from .reading import load_yaml
from .resolving import _check_references


def parse_bank(text: str) -> BankData:
    """Read and validate a bank file; raise BankFileError listing every problem."""
    raw = load_yaml(text)
    if not isinstance(raw, dict):
        raise BankFileError(["file: a bank file is a YAML mapping (format, bank, questions, ...)"])
    c = Checker()
    fmt = raw.get("format")
    if fmt is None:
        raise BankFileError([f"format: required (supported: {_formats()})"])
    if not _is_int(fmt) or fmt not in SUPPORTED_FORMATS:
        raise BankFileError([f"format: unsupported format {fmt!r}; supported: {_formats()}"])
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
