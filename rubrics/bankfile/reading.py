"""Reading a bank file's YAML text into plain Python values."""

from typing import Any

import yaml

from .base import BankFileError


class _BankLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping naming the same key twice (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (str, int)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate field {key!r} in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_BankLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        raise BankFileError([f"{place}: not valid YAML: {problem}"]) from exc
