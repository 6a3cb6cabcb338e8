"""The ``apistack`` command line: ``serve``, ``routes``, ``pipeline``."""
