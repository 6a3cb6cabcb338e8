"""Sphinx configuration of apistack's documentation (built by ``make docs``, warnings as errors).

Everything that describes the code is generated from it: the API reference (autodoc over every
public module), the entry points, the filter options and the command line (``_ext``), the
oslo.config groups (``oslo_config.sphinxext``) and the release notes (reno, from
``releasenotes/notes``). The README's lists are included, not copied (myst-parser).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import apistack  # noqa: E402

project = "apistack"
author = "apistack contributors"
copyright = "apistack contributors, Apache License 2.0"
version = release = apistack.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "myst_parser",
    "oslo_config.sphinxext",
    "reno.sphinxext",
    "apistack_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
templates_path = ["_templates"]

# API reference: one page per public module, found by walking the package, so a new module
# is documented (and its docstrings checked) without editing this site.
autosummary_generate = True
autosummary_imported_members = False
# Members are what each module defines; a name it re-exports from another module (listed in
# its __all__ for compatibility) is documented once, where it is defined.
autodoc_default_options = {"members": True, "show-inheritance": True, "ignore-module-all": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
# Type hints name classes of other libraries (webob, oslo.config, typeshed's WSGI aliases)
# that have no page here; they are text, not broken links.
nitpicky = False

# The README is Markdown, included section by section; its links point into the repository.
myst_heading_anchors = 3
suppress_warnings = ["myst.xref_missing", "myst.header"]

html_theme = "alabaster"
html_theme_options = {"description": "nova's REST API stack as reusable parts"}
html_show_sourcelink = False

# reno reads the notes from git, relative to the repository root.
reno_config = {}
