"""cinder's API modules rewritten as thin adapters over apistack (the migration guide's example).

``wsgi.py``, ``extensions.py`` and ``router.py`` replace ``cinder/api/openstack/wsgi.py``,
``cinder/api/extensions.py`` and ``cinder/api/v3/router.py`` in a per-run copy of cinder
(see ``tests/downstream/cinder_suite.py``); they hold only imports, subclasses and cinder's names.
"""
