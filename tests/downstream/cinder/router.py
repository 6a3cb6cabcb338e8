"""cinder.api.v3.router on apistack: cinder's v3 collections and routes, as data."""

from cinder.api import extensions, versions
from cinder.api.openstack import wsgi
from cinder.api.v3 import (
    attachments,
    backups,
    clusters,
    consistencygroups,
    default_types,
    group_snapshots,
    group_specs,
    group_types,
    groups,
    limits,
    messages,
    resource_filters,
    services,
    snapshot_manage,
    snapshot_metadata,
    snapshots,
    types,
    volume_manage,
    volume_metadata,
    volume_transfer,
    volumes,
    workers,
)
from oslo_config import cfg

from apistack.router import APIRouter as _APIRouter
from apistack.router.extensions import declare_resources

CONF = cfg.CONF
R = extensions.ResourceExtension
DETAIL, ACTION = {"detail": "GET"}, {"action": "POST"}

#: routes beside the collections: (path, method, resource name, action)
ROUTES = [
    *[("/clusters" + p, m, "clusters", a) for p, m, a in [
        ("", "GET", "index"), ("/detail", "GET", "detail"), ("/{id}", "GET", "show"),
        ("/enable", "PUT", "enable"), ("/disable", "PUT", "disable")]],
    ("/groups/action", "POST", "groups", "action"),
    ("/snapshots/{snapshot_id}/metadata", "PUT", "snapshot_metadata", "update_all"),
    ("/volumes/{volume_id}/metadata", "PUT", "volume_metadata", "update_all"),
    ("/default-types/{id}", "PUT", "default-types", "create_update"),
    ("/default-types", "GET", "default-types", "index"),
    ("/default-types/{id}", "GET", "default-types", "detail"),
    ("/default-types/{id}", "DELETE", "default-types", "delete"),
    *[("/os-services/" + p, "PUT", "os-services", p.replace("-", "_")) for p in [
        "enable", "disable", "disable-log-reason", "get-log", "set-log", "freeze", "thaw",
        "failover_host"]],
    ("/os-services", "GET", "os-services", "index"),
]  # fmt: skip


def collections(ext_mgr, made):
    """cinder's v3 collections as ResourceExtensions (``made``: resources built already)."""
    return [
        R("volumes", volumes.create_resource(ext_mgr), member_name="volume",
          collection_actions={**DETAIL, "summary": "GET"}, member_actions=ACTION),
        R("messages", messages.create_resource(ext_mgr), member_name="message"),
        R("types", types.create_resource(), member_name="type", member_actions=ACTION),
        R("group_types", group_types.create_resource(), member_name="group_type"),
        R("group_specs", group_specs.create_resource(), member_name="group_spec",
          parent={"member_name": "group_type", "collection_name": "group_types"}),
        R("groups", made.get("groups"), member_name="group", collection_actions=DETAIL,
          member_actions=ACTION),
        R("group_snapshots", group_snapshots.create_resource(), member_name="group_snapshot",
          collection_actions=DETAIL, member_actions=ACTION),
        R("snapshots", snapshots.create_resource(ext_mgr), member_name="snapshot",
          collection_actions=DETAIL, member_actions=ACTION),
        R("limits", limits.create_resource(), member_name="limit"),
        R("metadata", made.get("snapshot_metadata"), member_name="snapshot_metadata",
          parent={"member_name": "snapshot", "collection_name": "snapshots"}),
        R("metadata", made.get("volume_metadata"), member_name="volume_metadata",
          parent={"member_name": "volume", "collection_name": "volumes"}),
        R("consistencygroups", consistencygroups.create_resource(),
          member_name="consistencygroup", collection_actions=DETAIL, member_actions=ACTION),
        R("manageable_volumes", volume_manage.create_resource(),
          member_name="manageable_volume", collection_actions=DETAIL),
        R("manageable_snapshots", snapshot_manage.create_resource(),
          member_name="manageable_snapshot", collection_actions=DETAIL),
        R("backups", backups.create_resource(), member_name="backup", collection_actions=DETAIL),
        R("attachments", attachments.create_resource(ext_mgr), member_name="attachment",
          collection_actions={**DETAIL, "summary": "GET"}, member_actions=ACTION),
        R("workers", workers.create_resource(), member_name="worker",
          collection_actions={"cleanup": "POST"}),
        R("resource_filters", resource_filters.create_resource(ext_mgr),
          member_name="resource_filter"),
        R("volume-transfers", volume_transfer.create_resource(), member_name="volume-transfer",
          collection_actions=DETAIL, member_actions={"accept": "POST"}),
    ]  # fmt: skip


class APIRouter(_APIRouter):
    """cinder's v3 API: its collections, routes and extensions, on apistack's router."""

    resource_class = wsgi.Resource

    def __init__(self, ext_mgr=None):
        self.ext_mgr = ext_mgr or extensions.ExtensionManager()
        super().__init__(extension_manager=self.ext_mgr, project_id_regex=CONF.project_id_regex)

    @classmethod
    def factory(cls, global_config, **local_config):
        """Paste's app factory (cinder's api-paste.ini names it)."""
        return cls()

    def setup_routes(self, mapper):
        """Declare cinder's collections and routes (extensions come after, in APIRouter)."""
        made = {"versions": versions.create_resource(), "clusters": clusters.create_resource(),
                "groups": groups.create_resource(),
                "default-types": default_types.create_resource(),
                "snapshot_metadata": snapshot_metadata.create_resource(),
                "volume_metadata": volume_metadata.create_resource()}  # fmt: skip
        if self.ext_mgr.is_loaded("os-services"):
            made["os-services"] = services.create_resource(self.ext_mgr)
        for name, app in made.items():
            self.resources.add(name, app)
        mapper.connect("/", method=None, controller=made["versions"], action="index")
        declare_resources(mapper, collections(self.ext_mgr, made), self.resources, self.settings,
                          self.resource_class)  # fmt: skip
        for path, method, name, action in ROUTES:
            if name in made:
                mapper.create_route(path, method, made[name], action)
