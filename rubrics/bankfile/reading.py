"""Reading a bank file's YAML text into plain Python values, bounded before anything is built.

A bank file comes from people we do not know (the import page), so reading it
must cost at most a bounded amount of time and memory, whatever it holds:

- text over `MAX_BYTES` is refused before the YAML parser sees it;
- anchors (`&name`) and aliases (`*name`) are refused while composing, so an
  "alias bomb" (a few hundred bytes that expand to gigabytes) never expands;
  a bank file has no use for them (export never writes one);
- nesting deeper than `MAX_DEPTH` and more than `MAX_NODES` values are refused
  while composing, before Python's recursion or memory runs out;
- an integer of more than `MAX_INT_DIGITS` digits is refused before conversion;
- only plain YAML types are built (text, numbers, true/false, null, lists and
  mappings); mapping keys must be text or whole numbers.

Every problem names its line and column. The marks of all values are kept by
path (`questions[3].signals[1]`) so later checks can name the line too.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, CollectionStartEvent, NodeEvent
from yaml.resolver import Resolver

try:  # libyaml's parser is ~10x faster; the checks below work on its events either way.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser as _Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _Parser.__init__(self)


from accounts.validators import shown

from .base import BankFileError

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 20
MAX_NODES = 2_000_000
MAX_INT_DIGITS = 18
STR_TAG = "tag:yaml.org,2002:str"
INT_TAG = "tag:yaml.org,2002:int"
# The tags a bank file may hold, implicit or written; anything else is refused.
ALLOWED_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
}


@dataclass
class Document:
    """A read bank file: its value, and where each value of it starts (by path)."""

    value: Any
    marks: dict[str, yaml.Mark] = field(default_factory=dict)

    def place(self, path: str) -> str:
        """`line L, column C` of the value at `path`, or of its nearest enclosing value."""
        while True:
            # A missing field is placed at the mapping that lacks it (the file, at the top).
            mark = self.marks.get(path)
            if mark is not None:
                return f"line {mark.line + 1}, column {mark.column + 1}"
            if not path:
                return ""
            path = _parent(path)


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


class _Refused(yaml.MarkedYAMLError):
    """A bank-file limit was hit while composing or constructing."""


class _BankLoader(Composer, SafeConstructor, Resolver, _Parser):
    """A SafeLoader that refuses aliases, anchors, deep nesting, huge numbers and odd keys.

    PyYAML's own composer runs on the (C) parser's events, so every node is
    checked as it is composed, before any Python value is built. Also refuses a
    mapping that names the same key twice (YAML would keep the last).
    """

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            raise _Refused(
                None,
                None,
                "anchors (&name) and aliases (*name) are not allowed in a bank file",
                event.start_mark,
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Refused(None, None, f"more than {MAX_NODES} values", event.start_mark)
        nested = isinstance(event, CollectionStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= nested

    def construct_object(self, node, deep=False):
        if node.tag not in ALLOWED_TAGS:
            raise _Refused(
                None, None, f"the tag {shown(node.tag)} is not allowed here", node.start_mark
            )
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            # e.g. a date that does not exist (2026-13-45) or an explicit !!int on words.
            raise _Refused(
                None, None, f"cannot read this value: {shown(str(exc))}", node.start_mark
            ) from exc

    def construct_yaml_int(self, node):
        digits = len(re.sub(r"[^0-9a-fA-F]", "", node.value))
        if digits > MAX_INT_DIGITS:
            raise _Refused(
                None,
                None,
                f"a whole number of at most {MAX_INT_DIGITS} digits, got one of {digits} digits",
                node.start_mark,
            )
        return super().construct_yaml_int(node)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag not in (STR_TAG, INT_TAG):
                kind = _KEY_KINDS.get(key_node.id) or _KEY_KINDS.get(key_node.tag, "that value")
                raise _Refused(
                    None,
                    None,
                    f"a mapping key must be text or a whole number, got {kind}",
                    key_node.start_mark,
                )
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _Refused(
                    None,
                    None,
                    f"duplicate field {shown(key)!r} in one mapping",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_KEY_KINDS = {
    "sequence": "a list",
    "mapping": "a mapping",
    "tag:yaml.org,2002:float": "a fractional number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing",
    "tag:yaml.org,2002:timestamp": "a date",
}

for _tag, _construct in SafeConstructor.yaml_constructors.items():
    _BankLoader.add_constructor(_tag, _construct)
_BankLoader.add_constructor(INT_TAG, _BankLoader.construct_yaml_int)


def read_yaml(text: str, *, max_bytes: int = MAX_BYTES) -> Document:
    """The bank file's value and marks; BankFileError with the place of the first problem."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise BankFileError([f"file: {size} bytes; a bank file may be at most {max_bytes} bytes"])
    refused = _refused_character(text)
    if refused:
        raise BankFileError([refused])
    loader = _BankLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Document(None)
        marks = _marks(node)
        return Document(loader.construct_document(node), marks)
    except yaml.YAMLError as exc:
        raise BankFileError([_yaml_problem(exc)]) from exc
    except RecursionError as exc:  # a last line of defence; MAX_DEPTH stops far earlier
        raise BankFileError(["file: nested too deeply"]) from exc
    finally:
        loader.dispose()


def load_yaml(text: str) -> Any:
    """The bank file's value alone (see `read_yaml`)."""
    return read_yaml(text).value


# What YAML text may not hold raw (YAML 1.1's printable set): control characters
# other than tab and line breaks, lone surrogates, and the two non-characters.
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


def _refused_character(text: str) -> str | None:
    """Where the first character YAML does not allow is, with what it is."""
    found = _NOT_PRINTABLE.search(text)
    if not found:
        return None
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return (
        f"line {line}, column {column}: the character U+{ord(found.group()):04X} is not allowed "
        "in YAML text (write it as an escape in double quotes, or remove it)"
    )


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
    prefix = "" if isinstance(exc, _Refused) else "not valid YAML: "
    return f"{place}: {prefix}{shown(problem, 200)}"


def _marks(root: yaml.Node) -> dict[str, yaml.Mark]:
    """Where each value starts, by the path the checks name it with (iterative: no recursion)."""
    marks: dict[str, yaml.Mark] = {}
    stack: list[tuple[str, yaml.Node]] = [("", root)]
    while stack:
        path, node = stack.pop()
        marks[path] = node.start_mark
        if isinstance(node, yaml.SequenceNode):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    name = _key_text(key_node)
                    stack.append((f"{path}.{name}" if path else name, value_node))
    return marks


def _key_text(node: yaml.ScalarNode) -> str:
    """A key as the checks write it in a path: an integer key by its value (`07` → `7`)."""
    if node.tag == INT_TAG and re.fullmatch(r"[-+]?[0-9_]{1,18}", node.value):
        return str(int(node.value.replace("_", "")))
    return node.value
