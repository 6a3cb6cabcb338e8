"""The shared environ keys: the ones oslo.middleware also writes agree with it."""

from __future__ import annotations

from oslo_middleware import request_id as oslo_request_id

from apistack import environ
from apistack.filters import request_id
from apistack.resource import negotiation


def test_request_id_keys_are_oslo_middlewares() -> None:
    assert environ.REQUEST_ID_KEY == oslo_request_id.ENV_REQUEST_ID
    assert environ.GLOBAL_REQUEST_ID_KEY == oslo_request_id.GLOBAL_REQ_ID


def test_old_import_paths_name_the_same_keys() -> None:
    assert request_id.REQUEST_ID_KEY is environ.REQUEST_ID_KEY
    assert negotiation.VERSION_KEY is environ.VERSION_KEY
    assert negotiation.LEGACY_V2_KEY is environ.LEGACY_V2_KEY


def test_vendor_media_type_names_the_service() -> None:
    assert environ.vendor_media_type("volume") == "application/vnd.openstack.volume+json"
    assert environ.vendor_media_type() == "application/vnd.openstack.compute+json"


def test_environ_header_key() -> None:
    assert environ.environ_header_key("OpenStack-API-Version") == "HTTP_OPENSTACK_API_VERSION"


def _imports(package: str) -> set[str]:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "apistack" / package
    found: set[str] = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
    return found


def test_filters_and_resource_do_not_import_each_other() -> None:
    assert not {m for m in _imports("filters") if m.startswith("apistack.resource")}
    assert not {m for m in _imports("resource") if m.startswith("apistack.filters")}


def test_header_name_lengths_follow_the_header_list() -> None:
    headers = [("Location", "/x"), ("Content-Length", "2"), ("Vary", "Accept")]
    assert list(environ.header_name_lengths(headers)) == [8, 14, 4]
    assert list(environ.header_name_lengths([])) == []
