"""Scenes: one per scenario of the vendor app, run once through the gateway's queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.scene import Scene
from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.update_coordinator import CoordinatorEntity

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from pyoverkiz.models import PersistedActionGroup

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# Activations queue in the gateway's action queue, not here.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a scene per scenario, and follow the scenarios the app adds or deletes."""
    coordinator = entry.runtime_data
    scenarios = coordinator.scenarios
    scenes: dict[str, OverkizBatchScene] = {}

    @callback
    def sync() -> None:
        if not scenarios.loaded:  # unread yet: keep what the registry has
            return
        registry = er.async_get(hass)
        for registered in er.async_entries_for_config_entry(registry, entry.entry_id):
            if (
                registered.domain == Platform.SCENE
                and registered.unique_id not in scenarios.by_oid
            ):
                scenes.pop(registered.unique_id, None)
                registry.async_remove(registered.entity_id)  # the entity goes too
        new: list[OverkizBatchScene] = []
        for oid, scenario in scenarios.by_oid.items():
            if (scene := scenes.get(oid)) is not None:
                scene.async_describe(scenario)
            else:
                scenes[oid] = scene = OverkizBatchScene(coordinator, scenario)
                new.append(scene)
        if new:
            async_add_entities(new)

    sync()
    entry.async_on_unload(scenarios.async_add_listener(sync))


class OverkizBatchScene(CoordinatorEntity["OverkizBatchCoordinator"], Scene):
    """A scenario of the vendor app, run by the gateway as one execution."""

    _attr_has_entity_name = True

    def __init__(
        self, coordinator: OverkizBatchCoordinator, scenario: PersistedActionGroup
    ) -> None:
        """Name the scene after its scenario; its unique id is the scenario's oid."""
        super().__init__(coordinator)
        self.oid = scenario.oid
        self._attr_unique_id = scenario.oid
        self._describe(scenario)

    def _describe(self, scenario: PersistedActionGroup) -> None:
        if scenario.label:
            self._attr_name = scenario.label
            self._attr_translation_key = None
        else:  # the app allows a scenario without a name
            self.__dict__.pop("_attr_name", None)
            self._attr_translation_key = "unnamed_scenario"
            self._attr_translation_placeholders = {"oid": scenario.oid}

    @callback
    def async_describe(self, scenario: PersistedActionGroup) -> None:
        """Take a scenario changed in the app (a new name) into account."""
        self._describe(scenario)
        if self.hass is not None:
            self.async_write_ha_state()

    @property
    def available(self) -> bool:
        """Available while the gateway answers and is alive."""
        return super().available and self.coordinator.gateway_alive

    async def async_activate(self, **kwargs: Any) -> None:
        """Run the scenario once, after the commands already queued."""
        coordinator = self.coordinator
        try:
            await coordinator.scenarios.async_run(self.oid, self.entity_id)
        except HomeAssistantError:
            raise
        except Exception as err:
            name = self.name if isinstance(self.name, str) else self.oid
            raise coordinator.commands.command_error(err, name) from err
