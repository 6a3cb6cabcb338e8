"""Directives that render apistack's own declarations into the site, so nothing is copied by hand.

- ``apistack-entry-points``: every entry point of the installed distribution, by group.
- ``apistack-filter-options``: each paste filter's ``Option`` tuple (key, type, default, help).
- ``apistack-cli``: the ``--help`` of a command and each of its subcommands.
- ``apistack-public-names``: a package's ``__all__``, each name linked where it is defined.
- ``apistack-openapi-download``: an ini's OpenAPI document, written at build time and linked.

Each renders reStructuredText and parses it in place; a missing object fails the build.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import logging
import re
import tempfile
from collections import defaultdict
from importlib.metadata import distribution
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

DISTRIBUTION = "apistack"
#: where generated downloads are written, under the source directory (ignored by git).
GENERATED = "_generated"

#: the start of a field-list item (``:returns:``, ``:param name:``), not a role (``:func:`x```).
FIELD = re.compile(r":\w[\w ]*:(\s|$)")


def import_object(spec: str) -> Any:
    """:returns: the object named ``module:attr.attr`` (or ``module.attr``)."""
    module_name, _, attrs = spec.partition(":")
    if not attrs:
        module_name, _, attrs = spec.rpartition(".")
    target: Any = importlib.import_module(module_name)
    for attr in attrs.split("."):
        target = getattr(target, attr)
    return target


def summary(obj: Any) -> str:
    """:returns: the first paragraph of ``obj``'s docstring on one line (a bound classmethod
    such as ``Filter.factory`` is described by its class)."""
    owner = getattr(obj, "__self__", None)
    doc = inspect.getdoc(owner if inspect.isclass(owner) else obj) or ""
    return " ".join(doc.split("\n\n")[0].split())


def cell(text: str) -> str:
    """:returns: ``text`` as one line of a list-table cell (empty cells need a placeholder)."""
    return " ".join(text.split()) or "\\-"


def literal(value: Any) -> str:
    """:returns: a default value as inline literal text, spelt as in an ini."""
    if isinstance(value, bool):
        value = str(value).lower()
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(item) for item in value)
    text = str(value)
    return f"``{text}``" if text else "(empty)"


class RstDirective(SphinxDirective):
    """A directive that writes reStructuredText lines and parses them where it stands."""

    def rst_lines(self) -> list[str]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        source = self.get_source_info()[0]
        lines = StringList(self.rst_lines(), source=source)
        self.state.nested_parse(lines, self.content_offset, container)
        return container.children


def list_table(header: list[str], rows: list[list[str]], widths: str) -> list[str]:
    """:returns: the lines of a ``list-table`` with a header row."""
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in [header, *rows]:
        lines.append(f"   * - {cell(row[0])}")
        lines.extend(f"     - {cell(text)}" for text in row[1:])
    return [*lines, ""]


class EntryPoints(RstDirective):
    """Every entry point of the distribution: one table per group, aliases marked."""

    def rst_lines(self) -> list[str]:
        groups: dict[str, list[Any]] = defaultdict(list)
        for entry in distribution(DISTRIBUTION).entry_points:
            groups[entry.group].append(entry)
        lines: list[str] = []
        for group in sorted(groups):
            entries = sorted(groups[group], key=lambda e: e.name)
            first_name = {}
            for entry in sorted(entries, key=lambda e: (len(e.name), e.name)):
                first_name.setdefault(entry.value, entry.name)
            rows = []
            for entry in entries:
                canonical = first_name[entry.value]
                what = summary(entry.load())
                if canonical != entry.name:
                    what = f"Alias of ``{canonical}``. {what}"
                rows.append([f"``{entry.name}``", f"``{entry.value}``", what])
            lines += [f".. rubric:: ``{group}``", ""]
            lines += list_table(["name", "object", "what it is"], rows, "18 37 45")
        return lines


class FilterOptions(RstDirective):
    """The paste options of every filter in ``paste.filter_factory``, one table per class."""

    def rst_lines(self) -> list[str]:
        names: dict[type, list[str]] = defaultdict(list)
        for entry in distribution(DISTRIBUTION).entry_points:
            if entry.group == "paste.filter_factory":
                owner = getattr(entry.load(), "__self__", None)
                if inspect.isclass(owner) and hasattr(owner, "options"):
                    names[owner].append(entry.name)
        lines: list[str] = []
        for owner in sorted(names, key=lambda cls: cls.name):
            uses = ", ".join(f"``egg:{DISTRIBUTION}#{name}``" for name in sorted(names[owner]))
            ref = f":class:`{owner.__module__}.{owner.__qualname__}`"
            lines += [f".. rubric:: ``{owner.name}``", "", f"{uses}: {ref}", ""]
            rows = [
                [f"``{opt.name}``", self.kind(opt), literal(opt.default), opt.help]
                for opt in owner.options
            ]
            if rows:
                lines += list_table(["key", "type", "default", "meaning"], rows, "22 12 20 46")
            else:
                lines += ["No options.", ""]
        return lines

    @staticmethod
    def kind(option: Any) -> str:
        minimum = getattr(option, "minimum", None)
        return option.kind if minimum is None else f"{option.kind} (at least {minimum})"


class CommandLine(RstDirective):
    """``--help`` of the parser a function builds, then of each subcommand."""

    required_arguments = 1

    def rst_lines(self) -> list[str]:
        parser: argparse.ArgumentParser = import_object(self.arguments[0])()
        lines = self.help_block(parser)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    lines += [f".. rubric:: ``{parser.prog} {name}``", ""]
                    lines += self.help_block(sub)
        return lines

    @staticmethod
    def help_block(parser: argparse.ArgumentParser) -> list[str]:
        text = parser.format_help().rstrip("\n").splitlines()
        return ["::", "", *(f"   {line}" for line in text), ""]


class PublicNames(RstDirective):
    """A package's ``__all__``, each name linked to the module that defines it."""

    required_arguments = 1

    def rst_lines(self) -> list[str]:
        package = importlib.import_module(self.arguments[0])
        lines: list[str] = []
        for name in getattr(package, "__all__", ()):
            obj = getattr(package, name)
            home = getattr(obj, "__module__", None)
            if home is None or not (inspect.isclass(obj) or inspect.isroutine(obj)):
                lines.append(f"- ``{name}``")
                continue
            line = f"- :py:obj:`{name} <{home}.{obj.__qualname__}>`"
            first = summary(obj)
            lines.append(f"{line}: {first}" if first else line)
        return [".. rubric:: Public names (``__all__``)", "", *lines, ""] if lines else []


class OpenAPIDownload(RstDirective):
    """Build an ini's app, write its OpenAPI document into the source tree's ``_generated``
    (ignored by git) and link it for download: the published document is the code's."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {
        "app": directives.unchanged,
        "microversion": directives.unchanged,
    }

    def rst_lines(self) -> list[str]:
        from apistack.deploy import load_app
        from apistack.openapi import openapi_document

        ini = Path(self.env.srcdir).parents[1] / self.arguments[0]
        name = self.options.get("app", "osapi_compute")
        microversion = self.options.get("microversion")
        logging.disable(logging.WARNING)  # noauth's start-up warning is not the site's
        try:
            with tempfile.TemporaryDirectory() as state:
                app = load_app(str(ini), name, {"state_dir": state})
                document = openapi_document(app, microversion)
        finally:
            logging.disable(logging.NOTSET)
        filename = f"{ini.stem}-{microversion or 'all'}.json"
        target = Path(self.env.srcdir) / GENERATED / filename
        target.parent.mkdir(exist_ok=True)
        target.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        what = f"microversion {microversion}" if microversion else "the whole range"
        paths = len(document.get("paths", {}))
        return [f"- :download:`{filename} </{GENERATED}/{filename}>`: {what}, {paths} paths", ""]


def indent_field_continuations(
    app: Sphinx, what: str, name: str, obj: Any, options: Any, lines: list[str]
) -> None:
    """Let a docstring open with a field (``\"\"\":returns: ...``) and wrap it.

    ``inspect.cleandoc`` dedents the wrapped lines to column 0, which ends the field list;
    indenting them back keeps them in the field, as the author meant.
    """
    if not lines or not FIELD.match(lines[0]):
        return
    for index in range(1, len(lines)):
        line = lines[index]
        if not line.strip():
            return
        if not (line.startswith(" ") or FIELD.match(line)):
            lines[index] = "   " + line


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("apistack-entry-points", EntryPoints)
    app.add_directive("apistack-filter-options", FilterOptions)
    app.add_directive("apistack-cli", CommandLine)
    app.add_directive("apistack-public-names", PublicNames)
    app.add_directive("apistack-openapi-download", OpenAPIDownload)
    app.connect("autodoc-process-docstring", indent_field_continuations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
