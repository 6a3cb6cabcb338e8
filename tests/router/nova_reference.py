"""Nova's own mappers, rebuilt on Routes 2.5.1: the reference the differential tests use.

This mirrors ``nova/api/openstack/__init__.py`` (``APIMapper``, ``ProjectMapper``) and
``APIRouterV21.__init__`` (redirects via ``map.redirect``, the rest via ``create_route``),
and is independent of apistack's router. Regexes are compiled eagerly so timings in
benchmarks/router_bench.py measure matching, not Routes' lazy first-request compile.
"""

from __future__ import annotations

from typing import Any

import routes


class NovaAPIMapper(routes.Mapper):  # type: ignore[misc]
    def routematch(self, url: Any = None, environ: Any = None) -> Any:
        if url == "":
            result = self._match("", environ)
            return result[0], result[1]
        return routes.Mapper.routematch(self, url, environ)

    def connect(self, *args: Any, **kargs: Any) -> Any:
        kargs.setdefault("requirements", {})
        if not kargs["requirements"].get("format"):
            kargs["requirements"]["format"] = "json|xml"
        return routes.Mapper.connect(self, *args, **kargs)


class NovaProjectMapper(NovaAPIMapper):
    def __init__(self, project_id_regex: str = r"[0-9a-f\-]+") -> None:
        super().__init__(controller_scan=None, register=False)
        self.project_id_token = "{project_id:" + project_id_regex + "}"

    def resource(self, member_name: str, collection_name: str, **kwargs: Any) -> None:
        if "parent_resource" not in kwargs:
            kwargs["path_prefix"] = self.project_id_token + "/"
        else:
            parent = kwargs["parent_resource"]
            kwargs["path_prefix"] = "{}/{}/:{}_id".format(
                self.project_id_token, parent["collection_name"], parent["member_name"]
            )
        routes.Mapper.resource(self, member_name, collection_name, **kwargs)
        if "parent_resource" not in kwargs:
            del kwargs["path_prefix"]
        else:
            parent = kwargs["parent_resource"]
            kwargs["path_prefix"] = "{}/:{}_id".format(
                parent["collection_name"], parent["member_name"]
            )
        routes.Mapper.resource(self, member_name, collection_name, **kwargs)

    def create_route(self, path: str, method: str, controller: Any, action: str) -> None:
        self.connect(
            f"/{self.project_id_token}{path}",
            conditions={"method": [method]},
            controller=controller,
            action=action,
        )
        self.connect(path, conditions={"method": [method]}, controller=controller, action=action)


def declare(mapper: Any, route_list: Any, apps: dict[Any, Any]) -> Any:
    """Declare a ROUTE_LIST whose factories are keys of ``apps`` on any nova-style mapper
    (ours or Routes-based): redirects through ``redirect``, the rest through ``create_route``.

    :returns: ``mapper``.
    """
    for path, methods in route_list:
        if isinstance(methods, str):
            mapper.redirect(path, methods)
            continue
        for method, (factory, action) in methods.items():
            mapper.create_route(path, method, apps[factory], action)
    return mapper


def nova_mapper(route_list: Any, apps: dict[Any, Any]) -> NovaProjectMapper:
    """Build nova's mapper from a ROUTE_LIST whose factories are keys of ``apps``."""
    mapper = NovaProjectMapper()
    declare(mapper, route_list, apps)
    mapper.create_regs()
    return mapper
