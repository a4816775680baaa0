"""The run-time state scripts/develop writes into the config folder (git-ignored).

Before Home Assistant starts: an owner user (the trusted_networks provider of
configuration.yaml logs a visitor from this machine in as that user without a prompt),
onboarding marked done, and the config entry of a local-API gateway pointing at the
simulator. tests/test_demo.py loads the same state into a headless Home Assistant.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
import shutil
import sys
from typing import Any
import uuid

sys.path.insert(0, str(Path(__file__).resolve().parent))  # demo_args beside it
from demo_args import DEFAULT_HTTP_PORT

DEMO_HUB = "somfy_developer_mode"
OWNER_NAME = "Demo"
DASHBOARD = "demo-house"  # url path of the dashboard in configuration.yaml
STORAGE = ".storage"


def entry_data(host: str, token: str, gateway_id: str) -> dict[str, Any]:
    """Return the entry data the config flow would make for the simulated gateway."""
    from homeassistant.const import (  # noqa: PLC0415 - the launcher starts faster
        CONF_HOST,
        CONF_TOKEN,
        CONF_VERIFY_SSL,
    )

    from custom_components.overkiz_batch.const import (  # noqa: PLC0415
        API_TYPE_LOCAL,
        CONF_API_TYPE,
        CONF_GATEWAY_ID,
        CONF_HUB,
    )

    return {
        CONF_HUB: DEMO_HUB,
        CONF_API_TYPE: API_TYPE_LOCAL,
        CONF_HOST: host,
        CONF_TOKEN: token,
        # The simulator's certificate is self-signed.
        CONF_VERIFY_SSL: False,
        CONF_GATEWAY_ID: gateway_id,
    }


def _read_store(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError, ValueError:
        return None
    return (
        data if isinstance(data, dict) and isinstance(data.get("data"), dict) else None
    )


def _write_store(
    path: Path, key: str, version: int, minor: int, data: dict[str, Any]
) -> None:
    """Write a file in Home Assistant's storage format (private, atomically)."""
    body = {"version": version, "minor_version": minor, "key": key, "data": data}
    tmp = path.with_suffix(".demo-tmp")
    tmp.write_text(json.dumps(body, indent=2))
    tmp.chmod(0o600)
    tmp.replace(path)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _ensure_owner(storage: Path) -> None:
    """One active owner, and no other person a visitor could be asked to pick."""
    from homeassistant.auth.auth_store import (  # noqa: PLC0415
        STORAGE_KEY,
        STORAGE_VERSION,
    )
    from homeassistant.auth.const import GROUP_ID_ADMIN  # noqa: PLC0415

    path = storage / STORAGE_KEY
    stored = _read_store(path)
    if stored is not None:
        users = stored["data"].get("users", [])
        people = [u for u in users if not u.get("system_generated")]
        if any(u.get("is_owner") and u.get("is_active") for u in people):
            return
    # No owner yet: a fresh store (groups are added by Home Assistant when it loads).
    owner = {
        "id": uuid.uuid4().hex,
        "group_ids": [GROUP_ID_ADMIN],
        "is_owner": True,
        "is_active": True,
        "name": OWNER_NAME,
        "system_generated": False,
        "local_only": True,
    }
    data = {"users": [owner], "groups": [], "credentials": [], "refresh_tokens": []}
    _write_store(path, STORAGE_KEY, STORAGE_VERSION, 1, data)


def _mark_onboarded(storage: Path) -> None:
    from homeassistant.components.onboarding import (  # noqa: PLC0415
        STORAGE_KEY,
        STORAGE_VERSION,
    )
    from homeassistant.components.onboarding.const import STEPS  # noqa: PLC0415

    _write_store(
        storage / STORAGE_KEY, STORAGE_KEY, STORAGE_VERSION, 1, {"done": STEPS}
    )


def _put_entry(storage: Path, data: dict[str, Any], title: str) -> None:
    """Add the gateway's config entry, or point the existing one at the simulator."""
    from homeassistant.config_entries import (  # noqa: PLC0415
        SOURCE_USER,
        STORAGE_KEY,
        STORAGE_VERSION,
        STORAGE_VERSION_MINOR,
    )

    from custom_components.overkiz_batch.config_flow import (  # noqa: PLC0415
        OverkizBatchConfigFlow,
    )
    from custom_components.overkiz_batch.const import (  # noqa: PLC0415
        CONF_GATEWAY_ID,
        DOMAIN,
    )

    path = storage / STORAGE_KEY
    stored = _read_store(path)
    version, minor = STORAGE_VERSION, STORAGE_VERSION_MINOR
    entries: list[dict[str, Any]] = []
    if stored is not None:
        version = stored.get("version", version)
        minor = stored.get("minor_version", minor)
        entries = stored["data"].get("entries", [])
    gateway_id = data[CONF_GATEWAY_ID]
    mine = [
        entry
        for entry in entries
        if entry.get("domain") == DOMAIN and entry.get("unique_id") == gateway_id
    ]
    now = _now()
    if mine:
        if mine[0]["data"] != data:
            mine[0].update(data=data, title=title, modified_at=now)
    else:
        entries.append(
            {
                "created_at": now,
                "data": data,
                "disabled_by": None,
                "discovery_keys": {},
                "domain": DOMAIN,
                "entry_id": uuid.uuid4().hex,
                "minor_version": OverkizBatchConfigFlow.MINOR_VERSION,
                "modified_at": now,
                "options": {},
                "pref_disable_new_entities": False,
                "pref_disable_polling": False,
                "source": SOURCE_USER,
                "subentries": [],
                "title": title,
                "unique_id": gateway_id,
                "version": OverkizBatchConfigFlow.VERSION,
            }
        )
    _write_store(path, STORAGE_KEY, version, minor, {"entries": entries})


def _serve_locally(storage: Path, port: int) -> None:
    """Listen on 127.0.0.1:port only: the login bypass is for this machine.

    Home Assistant keeps its HTTP settings in .storage (YAML is migrated once, then
    ignored); a stable config means no "confirm new HTTP settings" prompt either.
    """
    from homeassistant.components.http.config import (  # noqa: PLC0415
        HTTP_STORAGE_SCHEMA,
        STORAGE_KEY,
        STORAGE_MINOR_VERSION,
        STORAGE_VERSION,
    )

    path = storage / STORAGE_KEY
    wanted = HTTP_STORAGE_SCHEMA({"server_host": ["127.0.0.1"], "server_port": port})
    stored = _read_store(path)
    if stored is not None and stored["data"].get("pending") is None:
        stable = stored["data"].get("stable") or {}
        if {k: stable.get(k) for k in wanted} == wanted:
            return
    stable = {**wanted, "created_at": _now(), "error": None, "error_message": None}
    data = {"stable": stable, "pending": None, "yaml_migration_done": True}
    _write_store(path, STORAGE_KEY, STORAGE_VERSION, STORAGE_MINOR_VERSION, data)


def _default_dashboard(storage: Path) -> None:
    """Open on the demo's dashboard, unless the user picked another default."""
    from homeassistant.components.frontend.storage import (  # noqa: PLC0415
        STORAGE_VERSION_SYSTEM_DATA,
    )

    key = "frontend.system_data"
    stored = _read_store(storage / key)
    data = stored["data"] if stored is not None else {}
    core = data.setdefault("core", {})
    if "default_panel" not in core:
        core["default_panel"] = DASHBOARD
        _write_store(storage / key, key, STORAGE_VERSION_SYSTEM_DATA, 1, data)


def gateway_title(gateway: dict[str, Any]) -> str:
    """Title the entry as the config flow does: the gateway's model and id end."""
    from pyoverkiz.enums import GatewayType  # noqa: PLC0415

    from custom_components.overkiz_batch.naming import (  # noqa: PLC0415
        short_gateway_id,
    )

    kind = GatewayType(gateway.get("type"))  # UNKNOWN for a type it does not know
    model = "Somfy gateway" if kind.name == "UNKNOWN" else kind.beautify_name
    return f"{model} {short_gateway_id(str(gateway['gatewayId']))}"


# What --reset keeps of the config folder: the files the checkout holds.
KEPT_BY_RESET = frozenset({"configuration.yaml", "dashboards"})


def reset(config_dir: Path) -> list[str]:
    """Forget what earlier runs stored in the config folder; return what went."""
    removed: list[str] = []
    if not config_dir.is_dir():
        return removed
    for path in sorted(config_dir.iterdir()):
        if path.name in KEPT_BY_RESET:
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(path.name)
    return removed


def write_state(
    config_dir: Path,
    data: dict[str, Any],
    port: int = DEFAULT_HTTP_PORT,
    title: str | None = None,
) -> None:
    """Write what Home Assistant needs to start configured and without a login prompt.

    Only while Home Assistant is stopped: it keeps these files in memory, rewrites them.
    """
    storage = config_dir / STORAGE
    storage.mkdir(parents=True, exist_ok=True)
    _ensure_owner(storage)
    _mark_onboarded(storage)
    _put_entry(storage, data, title or data["host"])
    _serve_locally(storage, port)
    _default_dashboard(storage)
