"""Route declarations: nova's ``ProjectMapper`` surface, recorded as data.

``ProjectMapper`` only records what was declared (``Declaration`` objects, in order); nothing
is compiled until a ``Router`` is built from it. ``create_route`` and ``resource`` declare
each route twice, with and without the ``/{project_id}`` prefix, as nova does; the project
token's regex is configurable and ``project_prefix=False`` declares only the plain routes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apistack.router.errors import RouteTableError

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = [
    "ANY_METHOD",
    "DEFAULT_PROJECT_ID_REGEX",
    "HTTP_METHODS",
    "Declaration",
    "ProjectMapper",
    "RouteEntry",
]

DEFAULT_PROJECT_ID_REGEX = "[0-9a-f-]+"
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
#: The method of a route declared without a method condition (a redirect, say).
ANY_METHOD = "*"


@dataclass(frozen=True)
class RouteEntry:
    """One declared path x method, as introspection and the ``apistack routes`` CLI see it.

    ``path`` is the template as declared, without the project prefix; ``app`` is the WSGI app
    (usually a ``Resource``), None for a redirect, whose target is ``redirect_to``.
    ``variables`` names the path's variables in order; a ``Router`` fills it in from the
    compiled template (its ``route_table`` entries carry it).
    """

    method: str
    path: str
    action: str
    app: WSGIApplication | None = field(compare=False)
    redirect_to: str | None = None
    variables: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Declaration:
    """One route to compile: the full template (project prefix included) and its entry."""

    template: str
    entry: RouteEntry
    requirements: Mapping[str, str]
    defaults: Mapping[str, Any]
    project_twin: bool = False

    def __str__(self) -> str:
        twin = " (its /{project_id} twin)" if self.project_twin else ""
        return f"{self.entry.method} {self.entry.path}{twin}"


class ProjectMapper:
    """Collect route declarations the way nova's ``ProjectMapper`` connects them.

    :param project_id_regex: what a project id in the URL may look like.
    :param project_prefix: declare the ``/{project_id}`` twin of every route.
    :param format_requirement: the ``format`` requirement ``resource()`` routes get (nova's
        ``APIMapper`` default), so ``/servers/x.txt`` is a server id, not a format.
    """

    def __init__(
        self,
        project_id_regex: str = DEFAULT_PROJECT_ID_REGEX,
        project_prefix: bool = True,
        format_requirement: str = "json|xml",
    ) -> None:
        self.project_id_regex = project_id_regex
        self.project_prefix = project_prefix
        self.format_requirement = format_requirement
        self.declarations: list[Declaration] = []

    @property
    def project_token(self) -> str:
        """The template text of the project prefix, e.g. ``/{project_id:[0-9a-f-]+}``."""
        return "/{project_id:" + self.project_id_regex + "}"

    def connect(
        self,
        *names_and_path: str,
        method: str | None = None,
        controller: WSGIApplication | None = None,
        action: str = "",
        conditions: Mapping[str, Any] | None = None,
        requirements: Mapping[str, str] | None = None,
        project_twin: bool = False,
        redirect_to: str | None = None,
        **defaults: Any,
    ) -> None:
        """Declare one route (no project twin is added).

        Also takes Routes' own call, as the lineage's routers and ``custom_routes_fn``\\ s make
        it: ``connect("name", "/path", controller=app, action="x",
        conditions={"method": ["PUT"]})`` (one route per listed method).

        :param names_and_path: the template, in Routes syntax, optionally after a route name
            (which is not used).
        :param method: the HTTP method; any method when neither it nor ``conditions`` says.
        :param controller: the WSGI app the route dispatches to.
        :param action: the controller method name.
        :param conditions: Routes' conditions; only ``method`` is read.
        :param requirements: regexes for variables, as Routes' ``requirements``.
        :param project_twin: the route is the project-prefixed copy of another.
        :param redirect_to: makes this a redirect to that target.
        :param defaults: extra values put in the match dict, as Routes' keyword defaults.
        :raises RouteTableError: on an unknown HTTP method or a call without a path.
        """
        if len(names_and_path) not in (1, 2):
            raise RouteTableError(f"connect{names_and_path!r}: expected [name,] path")
        path = names_and_path[-1]
        methods = [method] if method is not None else list((conditions or {}).get("method") or ())
        for verb in methods or [None]:
            self._declare(
                path, verb, controller, action, requirements, project_twin, redirect_to, defaults
            )

    def _declare(
        self,
        path: str,
        method: str | None,
        controller: WSGIApplication | None,
        action: str,
        requirements: Mapping[str, str] | None,
        project_twin: bool,
        redirect_to: str | None,
        defaults: Mapping[str, Any],
    ) -> None:
        shown = path[len(self.project_token) :] if project_twin else path
        verb = ANY_METHOD if method is None else method.upper()
        if verb != ANY_METHOD and verb not in HTTP_METHODS:
            raise RouteTableError(f"{method} {shown}: unknown HTTP method {method!r}")
        entry = RouteEntry(verb, shown, action, controller, redirect_to)
        values = dict(defaults)
        if redirect_to is None:
            values.update(controller=controller, action=action)
        self.declarations.append(
            Declaration(path, entry, dict(requirements or {}), values, project_twin)
        )

    def create_route(
        self, path: str, method: str, controller: WSGIApplication, action: str
    ) -> None:
        """Declare ``method path`` with and without the project prefix (nova's order)."""
        if self.project_prefix:
            self.connect(
                self.project_token + path,
                method=method,
                controller=controller,
                action=action,
                project_twin=True,
            )
        self.connect(path, method=method, controller=controller, action=action)

    def drop_redeclared(self, since: int) -> int:
        """Drop the declarations made from index ``since`` on whose template and method were
        declared before it: the first declaration serves, as in Routes, which matched the
        first of two equal routes (a lineage's extension re-declaring a core collection).

        :returns: how many were dropped.
        """
        seen = {(d.template, d.entry.method) for d in self.declarations[:since]}
        kept = [d for d in self.declarations[since:] if (d.template, d.entry.method) not in seen]
        dropped = len(self.declarations) - since - len(kept)
        self.declarations[since:] = kept
        return dropped

    def redirect(self, src: str, dst: str) -> None:
        """Answer any request for ``src`` with ``302 Found`` to ``dst`` (no project twin)."""
        self.connect(src, method=None, controller=None, action="", redirect_to=dst)

    def resource(self, member_name: str, collection_name: str, **kwargs: Any) -> None:
        """Declare the routes ``routes.Mapper.resource`` generates, with project twins.

        Accepts Routes' keywords (``controller``, ``collection``, ``member``, ``new``,
        ``parent_resource``, ``path_prefix``, ``requirements``); ``controller`` is the WSGI
        app.

        :raises RouteTableError: when ``controller`` is missing.
        """
        from apistack.router.routes_resource import expand_resource

        controller = kwargs.pop("controller", None)
        if controller is None:
            raise RouteTableError(f"resource({member_name!r}): controller= is required")
        generated = expand_resource(member_name, collection_name, self.format_requirement, kwargs)
        variants = [True, False] if self.project_prefix else [False]
        for twin in variants:
            for path, method, action, requirements in generated:
                self.connect(
                    (self.project_token + path) if twin else path,
                    method=method,
                    controller=controller,
                    action=action,
                    requirements=requirements,
                    project_twin=twin,
                )
