"""Reading a YAML input file strictly: no aliases, no duplicate keys, bounded depth and integers, one line per problem.

:func:`load_yaml` reads through :func:`model.computation.inputs.read_input_text` (the path, size and encoding checks)
and :class:`StrictLoader`; any problem is an :class:`~model.computation.errors.InputError` naming the file, the line
and the fix.
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import InputError, quote
from .inputs import MAX_INT_DIGITS, MAX_YAML_BYTES, MAX_YAML_DEPTH, InputPath, read_input_text


class _Refused(yaml.constructor.ConstructorError):
    pass


class StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses duplicate keys, aliases, deep nesting and huge integers.

    Only the standard YAML types are built (no code execution, as ``yaml.safe_load``).
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """A node, refusing aliases and nesting deeper than :data:`MAX_YAML_DEPTH` (overrides PyYAML's).

        Parameters
        ----------
        parent, index : as PyYAML's ``Composer.compose_node``: the enclosing node and this node's key or position.

        Returns
        -------
        yaml.Node
            The composed node.
        """
        if self.check_event(yaml.AliasEvent):
            ev = self.peek_event()
            raise _Refused(None, None, "aliases (*name) are not supported", ev.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _Refused(
                    None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", self.peek_event().start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        """A value; a value YAML cannot build (a date like 2025-02-30) is refused with its line (overrides PyYAML's).

        Parameters
        ----------
        node : the YAML node
        deep : build nested values at once (PyYAML's meaning)

        Returns
        -------
        object
            The Python value.
        """
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError, TypeError, ArithmeticError) as exc:
            raise _Refused(
                None,
                None,
                f"cannot read value {quote(node.value) if isinstance(node, yaml.ScalarNode) else ''} ({exc})",
                node.start_mark,
            ) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A mapping, refusing a key given twice (overrides PyYAML's).

        Parameters
        ----------
        node : the YAML mapping node
        deep : build nested values at once (PyYAML's meaning)

        Returns
        -------
        dict
            The mapping.
        """
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    key = self.construct_object(key_node, deep=True)
                    try:
                        dup = key in seen
                        seen.add(key)
                    except TypeError:
                        continue
                    if dup:
                        raise _Refused(
                            None,
                            None,
                            f"duplicate key {quote(key)} (the first one would be ignored)",
                            key_node.start_mark,
                        )
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node: Any) -> int:
        """An integer of at most :data:`MAX_INT_DIGITS` digits (overrides PyYAML's).

        Parameters
        ----------
        node : the YAML scalar node

        Returns
        -------
        int
            The integer.
        """
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise _Refused(None, None, f"integer with {digits:,} digits (cap {MAX_INT_DIGITS})", node.start_mark)
        return super().construct_yaml_int(node)


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)


def load_yaml(src: InputPath, shipped: str = "model/data/assumptions.yaml") -> Any:
    """Parse a YAML input file with :class:`StrictLoader`; errors name the line.

    Parameters
    ----------
    src : the file, as the user named it
    shipped : the shipped file of the same kind, named in a fix as the example to follow

    Returns
    -------
    object
        The parsed document (a mapping for a valid input file; the caller checks).

    Raises
    ------
    InputError
        The file cannot be read, is not UTF-8, is malformed YAML, or breaks a limit (duplicate keys,
        aliases, nesting, huge integers).
    """
    text = read_input_text(src, MAX_YAML_BYTES, "YAML")
    file = src.shown
    loader = None
    try:
        loader = StrictLoader(text)
        return loader.get_single_data()
    except _Refused as exc:
        where = f"line {exc.problem_mark.line + 1}" if exc.problem_mark is not None else "(file)"
        raise InputError(file, where, str(exc.problem), f"fix or remove that entry (see {shipped})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None and isinstance(exc, yaml.reader.ReaderError):
            where = f"character {exc.position}"
        else:
            where = f"line {mark.line + 1}" if mark is not None else "(file)"
        problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or "malformed YAML"
        raise InputError(file, where, f"malformed YAML ({problem})", "fix the YAML syntax at that line") from None
    except RecursionError:  # should not happen: nesting is capped above
        raise InputError(file, "(file)", "nested too deep", f"keep the nesting under {MAX_YAML_DEPTH} levels") from None
    finally:
        if loader is not None:
            loader.dispose()
