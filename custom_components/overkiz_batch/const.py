"""Constants for Overkiz Batch."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "overkiz_batch"

PLATFORMS: Final = [
    Platform.ALARM_CONTROL_PANEL,
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.COVER,
    Platform.FAN,
    Platform.LIGHT,
    Platform.LOCK,
    Platform.NUMBER,
    Platform.SCENE,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SIREN,
    Platform.SWITCH,
    Platform.WATER_HEATER,
]

# Config entry data.
CONF_HUB: Final = "hub"  # pyoverkiz server key, e.g. "somfy_europe"
CONF_API_TYPE: Final = "api_type"  # "cloud" or "local"
API_TYPE_CLOUD: Final = "cloud"
API_TYPE_LOCAL: Final = "local"
# CONF_HOST, CONF_TOKEN, CONF_VERIFY_SSL, CONF_USERNAME, CONF_PASSWORD come from
# homeassistant.const.
CONF_GATEWAY_ID: Final = "gateway_id"

# Options (config entry options), with defaults and ranges.
CONF_QUEUE_DELAY: Final = "queue_delay"  # seconds
CONF_MAX_ACTIONS: Final = "max_actions"
# Send at once while the gateway is idle, collect only while our executions pile
# up (False: the plain fixed window of CONF_QUEUE_DELAY).
CONF_ADAPTIVE_SENDING: Final = "adaptive_sending"
CONF_BUSY_MODE: Final = "busy_mode"  # what a command for a busy device does
CONF_REFRESH_THROTTLE: Final = "refresh_throttle"  # seconds

BUSY_MODE_QUEUE: Final = "queue"
BUSY_MODE_REJECT: Final = "reject"

DEFAULT_QUEUE_DELAY: Final = 0.5
DEFAULT_MAX_ACTIONS: Final = 20
DEFAULT_ADAPTIVE_SENDING: Final = True
DEFAULT_BUSY_MODE: Final = BUSY_MODE_QUEUE
DEFAULT_REFRESH_THROTTLE: Final = 10.0

MIN_QUEUE_DELAY: Final = 0.0
MAX_QUEUE_DELAY: Final = 10.0
MIN_MAX_ACTIONS: Final = 1
MAX_MAX_ACTIONS: Final = 50
MIN_REFRESH_THROTTLE: Final = 1.0
MAX_REFRESH_THROTTLE: Final = 300.0

# Event fired when an execution we started fails.
EVENT_EXECUTION_FAILED: Final = f"{DOMAIN}_execution_failed"

# Polling of the event listener.
UPDATE_INTERVAL_CLOUD: Final = timedelta(seconds=30)
UPDATE_INTERVAL_LOCAL: Final = timedelta(seconds=5)
UPDATE_INTERVAL_EXECUTING: Final = timedelta(seconds=1)

# An execution we started that never reports an end is forgotten after this long, so
# no entity stays "opening" forever.
EXECUTION_MAX_AGE: Final = timedelta(minutes=5)

# Label of the action groups the integration sends.
EXECUTION_LABEL: Final = "Home Assistant"

# Services and their fields.
SERVICE_FLUSH_QUEUE: Final = "flush_queue"
SERVICE_EXECUTE_COMMAND: Final = "execute_command"
SERVICE_SET_COVER_POSITION_AND_TILT: Final = "set_cover_position_and_tilt"
ATTR_DEVICE_URL: Final = "device_url"
ATTR_COMMAND: Final = "command"
ATTR_PARAMETERS: Final = "parameters"
ATTR_EXEC_ID: Final = "exec_id"
ATTR_EXEC_IDS: Final = "exec_ids"  # by device URL, when several are targeted
ATTR_FAILURE_TYPE: Final = "failure_type"

# Stop-like commands: never held behind a busy device's guard, never merged with
# other commands (a stop merged after a move would follow it and do nothing).
STOP_COMMANDS: Final = frozenset({"stop", "stopIdentify"})
# Commands asking a device to show itself: never held behind a busy device's guard
# (whoever looks for the device wants it now), but queued and merged as usual.
IDENTIFY_COMMANDS: Final = frozenset({"identify", "startIdentify", "wink"})
