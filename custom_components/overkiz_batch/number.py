"""Numbers: settings a device keeps (favourite position, setpoints, durations).

A number exists where the device's definition has both the state that holds the
value and the command that sets it. Its range comes from the device's own
minimum and maximum states where it has them. Writes go through the entity's
guard and the gateway's queue; a write made of several commands (a water
heater's boost) sends them in order, with the waits the device needs between
them, and a second write waits for the first to finish.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import EntityCategory, UnitOfTemperature, UnitOfTime
from homeassistant.core import callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.event import async_call_later
from pyoverkiz.enums import OverkizCommand, OverkizCommandParam, OverkizState, UIWidget
from pyoverkiz.models import Command

from .const import DOMAIN
from .cover import cover_description
from .entity import OverkizBatchEntity, async_add_device_entities
from .jobs import Job, JobConcurrency, JobException
from .states import as_float

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
    from pyoverkiz.models import Device

    from .coordinator import OverkizBatchConfigEntry, OverkizBatchCoordinator

# The guards govern concurrency, not Home Assistant's semaphore.
PARALLEL_UPDATES = 0

# Atlantic setpoint heaters keep their eco temperature as the number of degrees
# below the comfort temperature (3.5 means comfort - 3.5 °C), whatever their app
# shows.
ECO_BELOW_COMFORT = frozenset(
    {UIWidget.ATLANTIC_ELECTRICAL_HEATER_WITH_ADJUSTABLE_TEMPERATURE_SETPOINT}
)

# A water heater's boost: after its duration, the device needs a moment before
# the boost is switched on, and longer before it reports the new duration.
BOOST_DURATION_SETTLE = 1.0  # seconds
BOOST_DURATION_REFRESH = 3.0  # seconds


@dataclass(frozen=True, kw_only=True)
class OverkizNumberDescription(NumberEntityDescription):
    """A setting: ``key`` is the state holding it, ``command`` the one setting it.

    ``min_state`` / ``max_state`` hold the device's own bounds. ``inverted``
    shows ``max - value`` (a closure as an opening). ``below_state``: the device
    keeps the setting as an offset below that state's value; it is shown and
    written as the temperature it means. ``whole`` sends whole numbers.
    ``write_fn`` replaces the single command when a write takes more.
    """

    command: str
    min_state: str | None = None
    max_state: str | None = None
    inverted: bool = False
    below_state: str | None = None
    whole: bool = False
    write_fn: Callable[[OverkizBatchNumber, float], Awaitable[None]] | None = None
    entity_category: EntityCategory | None = EntityCategory.CONFIG


async def _write_boost_duration(number: OverkizBatchNumber, days: float) -> None:
    """Set the boost for ``days`` (0 ends it), as the water heater wants it."""
    relaunch = OverkizCommandParam.OFF
    if days > 0:
        await number.async_execute(
            Command(
                name=OverkizCommand.SET_BOOST_MODE_DURATION, parameters=[round(days)]
            )
        )
        await number.async_wait(BOOST_DURATION_SETTLE)
        relaunch = OverkizCommandParam.ON
    modes: dict[str, Any] = {
        OverkizCommandParam.RELAUNCH: relaunch,
        OverkizCommandParam.ABSENCE: OverkizCommandParam.OFF,
    }
    await number.async_execute(
        Command(name=OverkizCommand.SET_CURRENT_OPERATING_MODE, parameters=[modes])
    )
    if number.supports(OverkizCommand.REFRESH_BOOST_MODE_DURATION):
        await number.async_wait(BOOST_DURATION_REFRESH)
        await number.async_execute(OverkizCommand.REFRESH_BOOST_MODE_DURATION)


def _temperature(
    key: str, command: str, translation_key: str, low: float, high: float
) -> OverkizNumberDescription:
    return OverkizNumberDescription(
        key=key,
        command=command,
        translation_key=translation_key,
        device_class=NumberDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        native_min_value=low,
        native_max_value=high,
        native_step=0.5,
    )


_DHW_LOW = OverkizState.CORE_MINIMAL_TEMPERATURE_MANUAL_MODE
_DHW_HIGH = OverkizState.CORE_MAXIMAL_TEMPERATURE_MANUAL_MODE

NUMBER_DESCRIPTIONS: tuple[OverkizNumberDescription, ...] = (
    # Covers and lights: the "my" position (mirrored like the cover, see below).
    OverkizNumberDescription(
        key=OverkizState.CORE_MEMORIZED_1_POSITION,
        command=OverkizCommand.SET_MEMORIZED_1_POSITION,
        translation_key="my_position",
        native_min_value=0,
        native_max_value=100,
        whole=True,
    ),
    # Heaters and heating interfaces.
    _temperature(
        OverkizState.CORE_COMFORT_ROOM_TEMPERATURE,
        OverkizCommand.SET_COMFORT_TEMPERATURE,
        "comfort_temperature",
        7,
        30,
    ),
    _temperature(
        OverkizState.CORE_ECO_ROOM_TEMPERATURE,
        OverkizCommand.SET_ECO_TEMPERATURE,
        "eco_temperature",
        6,
        29,
    ),
    _temperature(
        OverkizState.CORE_SECURED_POSITION_TEMPERATURE,
        OverkizCommand.SET_SECURED_POSITION_TEMPERATURE,
        "frost_protection_temperature",
        5,
        15,
    ),
    # Water heaters.
    replace(
        _temperature(
            OverkizState.CORE_TARGET_DWH_TEMPERATURE,
            OverkizCommand.SET_TARGET_DHW_TEMPERATURE,
            "target_temperature",
            50,
            65,
        ),
        min_state=_DHW_LOW,
        max_state=_DHW_HIGH,
    ),
    replace(
        _temperature(
            OverkizState.CORE_WATER_TARGET_TEMPERATURE,
            OverkizCommand.SET_WATER_TARGET_TEMPERATURE,
            "water_target_temperature",
            50,
            65,
        ),
        min_state=_DHW_LOW,
        max_state=_DHW_HIGH,
    ),
    OverkizNumberDescription(
        key=OverkizState.CORE_EXPECTED_NUMBER_OF_SHOWER,
        command=OverkizCommand.SET_EXPECTED_NUMBER_OF_SHOWER,
        translation_key="expected_showers",
        native_min_value=2,
        native_max_value=4,
        min_state=OverkizState.CORE_MINIMAL_SHOWER_MANUAL_MODE,
        max_state=OverkizState.CORE_MAXIMAL_SHOWER_MANUAL_MODE,
        whole=True,
    ),
    OverkizNumberDescription(
        key=OverkizState.CORE_BOOST_MODE_DURATION,
        command=OverkizCommand.SET_BOOST_MODE_DURATION,
        translation_key="boost_duration",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        native_min_value=0,
        native_max_value=7,
        whole=True,
        write_fn=_write_boost_duration,
    ),
    OverkizNumberDescription(
        key=OverkizState.IO_AWAY_MODE_DURATION,
        command=OverkizCommand.SET_AWAY_MODE_DURATION,
        translation_key="away_duration",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.DAYS,
        native_min_value=0,
        native_max_value=6,
        whole=True,
    ),
    # Towel dryers.
    OverkizNumberDescription(
        key=OverkizState.IO_BOOST_DURATION_USER_PARAMETER,
        command=OverkizCommand.SET_TOWEL_DRYER_BOOST_MODE_DURATION,
        translation_key="boost_duration",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        native_min_value=0,
        native_max_value=60,
        max_state=OverkizState.IO_BOOST_DURATION_MAX,
        mode=NumberMode.BOX,
        whole=True,
    ),
    OverkizNumberDescription(
        key=OverkizState.IO_DRYING_DURATION_USER_PARAMETER,
        command=OverkizCommand.SET_DRYING_DURATION,
        translation_key="drying_duration",
        device_class=NumberDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        native_min_value=0,
        native_max_value=120,
        max_state=OverkizState.IO_DRYING_DURATION_MAX,
        mode=NumberMode.BOX,
        whole=True,
    ),
    # Terrace heaters: the heat level is the device's main feature; 100 is off.
    OverkizNumberDescription(
        key=OverkizState.CORE_LEVEL,
        command=OverkizCommand.SET_LEVEL,
        entity_category=None,
        native_min_value=0,
        native_max_value=100,
        inverted=True,
        whole=True,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: OverkizBatchConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the settings of every device, now and when devices appear."""
    async_add_device_entities(entry, async_add_entities, _numbers_of)


def _numbers_of(
    coordinator: OverkizBatchCoordinator, device: Device
) -> Iterator[OverkizBatchNumber]:
    for description in NUMBER_DESCRIPTIONS:
        if description.key in device.definition.states and device.supports_command(
            description.command
        ):
            yield OverkizBatchNumber(coordinator, device, _for(description, device))


def _for(
    description: OverkizNumberDescription, device: Device
) -> OverkizNumberDescription:
    """Adapt a description to what this device means by its state."""
    if description.key == OverkizState.CORE_MEMORIZED_1_POSITION and (
        cover := cover_description(device)
    ):
        # Shown the way the cover shows its position (100 open).
        return replace(description, inverted=cover.invert_position)
    if (
        description.key == OverkizState.CORE_ECO_ROOM_TEMPERATURE
        and str(device.widget) in ECO_BELOW_COMFORT
    ):
        return replace(
            description, below_state=OverkizState.CORE_COMFORT_ROOM_TEMPERATURE
        )
    return description


def _busy_concurrency(number: OverkizBatchNumber) -> JobConcurrency:
    return number.coordinator.commands.busy_concurrency


class OverkizBatchNumber(OverkizBatchEntity, NumberEntity):
    """A setting of a device, read from its state and written by its command."""

    entity_description: OverkizNumberDescription

    def __init__(
        self,
        coordinator: OverkizBatchCoordinator,
        device: Device,
        description: OverkizNumberDescription,
    ) -> None:
        """Core's unique id scheme: the device URL and the state's name."""
        super().__init__(coordinator, device.device_url, description)
        self._attr_unique_id = f"{device.device_url}-{description.key}"

    def _bound(self, state: str | None, default: float | None) -> float:
        value = as_float(self.state_of(state))
        if value is None:
            value = default
        return 0.0 if value is None else value

    @property
    def native_min_value(self) -> float:
        """Return the device's minimum, else the description's."""
        description = self.entity_description
        return self._bound(description.min_state, description.native_min_value)

    @property
    def native_max_value(self) -> float:
        """Return the device's maximum, else the description's.

        A setting kept below another state cannot go above that state.
        """
        description = self.entity_description
        high = self._bound(description.max_state, description.native_max_value)
        reference = as_float(self.state_of(description.below_state))
        return high if reference is None else min(high, reference)

    @property
    def native_value(self) -> float | None:
        """Return the setting as the device reports it."""
        description = self.entity_description
        value = as_float(self.state_of(description.key))
        if value is None:
            return None
        if description.below_state is not None:
            reference = as_float(self.state_of(description.below_state))
            return None if reference is None else reference - value
        if description.inverted:
            return self.native_max_value - value
        return value

    async def async_set_native_value(self, value: float) -> None:
        """Write the setting (Home Assistant checked it against the range)."""
        description = self.entity_description
        if description.inverted:
            value = self.native_max_value - value
        if description.below_state is not None:
            reference = as_float(self.state_of(description.below_state))
            if reference is None:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="reference_unknown",
                    translation_placeholders={"state": description.below_state},
                )
            value = reference - value
        try:
            await self._async_write(value)
        except JobException as err:  # reject mode: the previous write still runs
            raise self.coordinator.commands.command_error(
                err, self.entity_description.command
            ) from err

    @Job(name="overkiz_batch_number_write", concurrency=_busy_concurrency)
    async def _async_write(self, value: float) -> None:
        """One write at a time, all its commands before the next write's."""
        description = self.entity_description
        if description.write_fn is not None:
            await description.write_fn(self, value)
            return
        sent: float = round(value) if description.whole else value
        await self.async_execute(Command(name=description.command, parameters=[sent]))

    async def async_wait(self, seconds: float) -> None:
        """Wait between the commands of one write, on Home Assistant's clock."""
        done = self.hass.loop.create_future()

        @callback
        def wake(_now: object) -> None:
            if not done.done():
                done.set_result(None)

        cancel = async_call_later(self.hass, seconds, wake)
        try:
            await done
        finally:
            cancel()
