"""Example services built on apistack, importable after ``pip install apistack``.

``apistack.examples.compute`` is a small nova-shaped compute API (servers, flavors, server
actions, microversions 2.1 to 2.25) that ``paste-examples/api-paste.ini`` deploys; the tests,
benchmarks and the OpenAPI document are built from it.
"""
