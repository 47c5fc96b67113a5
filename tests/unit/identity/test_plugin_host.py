"""The plugin host: entry points, the allowlist, and each hookspec's contract."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

import pytest

from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import ENTRY_POINT_GROUP, PluginError, PluginHost
from mcp_registry.shared.plugins.identity import Identity, IdentityProvider
from mcp_registry.shared.plugins.packages import PackageValidator
from tests.unit.identity import sample_plugins

SAMPLES = "tests.unit.identity.sample_plugins"
BUILT_INS = {"github-at", "github-oidc", "oidc", "dns", "http", "none"}


def ep(name: str, attr: str) -> EntryPoint:
    return EntryPoint(name, f"{SAMPLES}:{attr}", ENTRY_POINT_GROUP)


def test_built_ins_are_registered_by_entry_point_like_third_parties() -> None:
    found = {e.name: e for e in entry_points(group=ENTRY_POINT_GROUP)}
    assert set(found) >= BUILT_INS
    for name in BUILT_INS:
        dist = found[name].dist
        assert dist is not None
        assert dist.name == "mcp-registry-plugins"
        assert found[name].value.startswith("mcp_registry.plugins.identity_")


def test_installed_plugins_load_with_their_distribution() -> None:
    host = PluginHost.load(Settings())
    by_name = {info.name: info for info in host.plugins}
    assert set(by_name) >= BUILT_INS | {"gitlab"}
    assert by_name["gitlab"].distribution == "mcp-registry-gitlab"
    assert by_name["dns"].distribution == "mcp-registry-plugins"
    assert all(info.loaded for info in by_name.values())


def test_allowlist_loads_only_the_named_plugins() -> None:
    host = PluginHost.load(Settings(plugins=("github-at", "dns")))
    loaded = {i.name for i in host.plugins if i.loaded}
    assert loaded == {"github-at", "dns"}
    skipped = [i for i in host.plugins if not i.loaded]
    assert all(i.reason == "not in MCP_REGISTRY_PLUGINS" for i in skipped)
    assert set(host.identity_providers(Settings())) == {"github-at", "dns"}


def test_allowlist_naming_a_missing_plugin_stops_the_start() -> None:
    with pytest.raises(PluginError, match="not installed: keycloak"):
        PluginHost.load(Settings(plugins=("dns", "keycloak")))


def test_a_plugin_that_fails_to_import_is_named() -> None:
    broken = EntryPoint("broken", "tests.unit.identity.no_such_module", ENTRY_POINT_GROUP)
    with pytest.raises(PluginError, match=r"plugin 'broken' .* failed to load"):
        PluginHost.load(Settings(), available=[broken])


def test_a_hook_with_unknown_arguments_is_refused() -> None:
    with pytest.raises(PluginError, match="does not match the hookspecs"):
        PluginHost.load(Settings(), available=[ep("wrong", "wrong_hook")])


# -- hookspec mcp_registry_auth_methods ------------------------------------------------------


def test_auth_methods_hook_contributes_providers_by_method() -> None:
    host = PluginHost.load(Settings(), available=[ep("echo", "echo")])
    providers = host.identity_providers(Settings())
    assert list(providers) == ["echo"]
    assert isinstance(providers["echo"], IdentityProvider)
    assert providers["echo"].exchange({"who": "bob"}).subject == "bob"


def test_auth_methods_hook_may_disable_its_method_by_settings() -> None:
    builtin = PluginHost.load(Settings(plugins=("none", "oidc")))
    assert builtin.identity_providers(Settings()) == {}
    enabled = Settings(
        enable_anonymous_auth=True,
        oidc_enabled=True,
        oidc_issuer="https://issuer.invalid",
        oidc_client_id="registry",
    )
    assert set(builtin.identity_providers(enabled)) == {"none", "oidc"}


def test_two_plugins_claiming_one_method_stop_the_start() -> None:
    host = PluginHost.load(Settings(), available=[ep("a", "echo"), ep("b", "second_echo")])
    with pytest.raises(PluginError, match="'echo' is provided by both"):
        host.identity_providers(Settings())


@pytest.mark.parametrize("attr", ["reserved", "bad_name"])
def test_unusable_method_names_are_refused(attr: str) -> None:
    host = PluginHost.load(Settings(), available=[ep("x", attr)])
    with pytest.raises(PluginError, match="not a usable auth method name"):
        host.identity_providers(Settings())


def test_results_that_are_not_providers_are_refused() -> None:
    host = PluginHost.load(Settings(), available=[ep("x", "not_a_provider")])
    with pytest.raises(PluginError, match="not a provider"):
        host.identity_providers(Settings())


# -- hookspec mcp_registry_extra_permissions -------------------------------------------------


def test_extra_permissions_hook_adds_to_a_login() -> None:
    host = PluginHost.load(Settings(), available=[ep("team", "team_policy")])
    alice = Identity("github-at", "alice", ())
    bob = Identity("github-at", "bob", ())
    assert host.extra_permissions(alice) == (Permission("publish", "io.github.team/*"),)
    assert host.extra_permissions(bob) == ()


def test_extra_permissions_without_implementations_is_empty() -> None:
    assert (
        PluginHost.load(Settings(), available=[]).extra_permissions(
            Identity("none", "anonymous", ())
        )
        == ()
    )


def test_workers_use_the_plugins_preloaded_before_the_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    from mcp_registry.services.runtime.process import ProcessDeps, preload
    from mcp_registry.shared.plugins import host as host_module

    settings = Settings()
    loaded = preload(settings)
    assert "gitlab" in {p.name for p in loaded.plugins if p.loaded}

    # What a worker restarted during a reinstall of the environment would see.
    def broken(**kwargs: object) -> list[object]:
        raise RuntimeError("distribution metadata is being rewritten")

    monkeypatch.setattr(host_module, "entry_points", broken)
    assert ProcessDeps(settings, plugins=loaded).plugins is loaded
    with pytest.raises(RuntimeError):
        ProcessDeps(settings).plugins  # noqa: B018 (not preloaded)


def test_preload_refuses_a_plugin_that_cannot_load() -> None:
    from mcp_registry.services.runtime.process import preload

    with pytest.raises(PluginError, match="not installed"):
        preload(Settings(plugins=("no-such-plugin",)))


# -- hookspec mcp_registry_package_validators ------------------------------------------------


def test_package_validators_hook_contributes_validators_by_type() -> None:
    host = PluginHost.load(Settings(), available=[ep("crates", "crates")])
    validators = host.package_validators(Settings())
    assert list(validators) == ["crates", "gems"]
    assert all(isinstance(v, PackageValidator) for v in validators.values())
    assert validators["crates"].registry_type == "crates"


def test_built_in_package_validators_cover_every_registry_type() -> None:
    host = PluginHost.load(Settings())
    assert set(host.package_validators(Settings())) >= {
        "npm",
        "pypi",
        "oci",
        "nuget",
        "mcpb",
        "cargo",
    }


def test_two_plugins_claiming_one_registry_type_stop_the_start() -> None:
    host = PluginHost.load(Settings(), available=[ep("a", "crates"), ep("b", "second_crates")])
    with pytest.raises(PluginError, match="'crates' is validated by both"):
        host.package_validators(Settings())


def test_results_that_are_not_validators_are_refused() -> None:
    host = PluginHost.load(Settings(), available=[ep("x", "not_a_validator")])
    with pytest.raises(PluginError, match="not a validator"):
        host.package_validators(Settings())


# -- a hook name no hookspec declares ----------------------------------------------------------


def test_a_misspelled_hook_stops_the_load_naming_plugin_and_hook() -> None:
    with pytest.raises(PluginError, match=r"plugin 'typo'.*mcp_registry_auth_method"):
        PluginHost.load(Settings(), available=[ep("typo", "misspelled")])


def test_a_misspelled_hook_registered_in_code_fails_the_pending_check() -> None:
    host = PluginHost()
    # pluggy accepts an implementation whose hook it does not know yet...
    host.register(sample_plugins.misspelled, "typo")
    # ...and the check every load ends with refuses it.
    with pytest.raises(PluginError, match=r"plugin 'typo'.*mcp_registry_auth_method"):
        host.check_pending()
