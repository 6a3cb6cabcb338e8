"""Real downstream code (cinder's and nova's own packages and test suites) run against apistack.

Each service is installed from PyPI into a cached venv (:mod:`tests.venv_cache`); apistack reaches
it from this checkout through ``PYTHONPATH``. Tests here are marked ``downstream``: ``make test``
runs them, ``make test-fast`` skips them, ``make test-downstream`` runs only them.
"""
