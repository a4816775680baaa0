"""The parity report: what each integration made of a dump, as markdown tables."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

CORE = "core"
OURS = "ours"

type Mode = Literal["local", "cloud"]


@dataclass
class Census:
    """What one integration made of one dump, read from the entity registry."""

    loaded: bool = False
    enabled: Counter[str] = field(default_factory=Counter)  # platform -> count
    disabled: Counter[str] = field(default_factory=Counter)
    devices: set[str] = field(default_factory=set)  # URLs with an enabled entity
    # platform -> unique ids (enabled or not): a move from core keeps these
    unique_ids: dict[str, set[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # ERROR log lines, first ones


@dataclass
class DumpResult:
    """Both integrations on one dump."""

    name: str
    mode: Mode
    labels: dict[str, str]  # user-facing device URL -> "label (uiClass/widget)"
    core: Census
    ours: Census

    def platforms(self) -> list[str]:
        """Every platform either integration used."""
        counted = self.core.enabled + self.core.disabled
        counted += self.ours.enabled + self.ours.disabled
        return sorted(counted)

    def missing(self) -> list[str]:
        """Devices core exposes and we do not."""
        return sorted(self.core.devices - self.ours.devices)

    def short_platforms(self) -> list[str]:
        """Platforms where we enable fewer entities than core."""
        return [
            p for p in self.platforms() if self.ours.enabled[p] < self.core.enabled[p]
        ]


def _count(census: Census, platform: str) -> str:
    text = str(census.enabled[platform])
    if disabled := census.disabled[platform]:
        text += f" (+{disabled})"
    return text


def _mark(ours: int, core: int) -> str:
    return "" if ours >= core else " **<**"


def summary(results: list[DumpResult]) -> list[str]:
    """One line per dump, and the totals."""
    lines = [
        "| dump | devices | core exposes | we expose | core enabled | ours enabled"
        " | platforms short |",
        "|:--|--:|--:|--:|--:|--:|:--|",
    ]
    totals = Counter[str]()
    for r in results:
        core_total = sum(r.core.enabled.values())
        ours_total = sum(r.ours.enabled.values())
        totals.update(
            devices=len(r.labels),
            core_devices=len(r.core.devices),
            our_devices=len(r.ours.devices),
            core=core_total,
            ours=ours_total,
        )
        short = ", ".join(r.short_platforms()) or "none"
        missing = f" **(-{len(r.missing())})**" if r.missing() else ""
        lines.append(
            f"| {r.name} | {len(r.labels)} | {len(r.core.devices)}"
            f" | {len(r.ours.devices)}{missing}"
            f" | {core_total} | {ours_total}{_mark(ours_total, core_total)} | {short} |"
        )
    lines.append(
        f"| **all** | {totals['devices']} | {totals['core_devices']}"
        f" | {totals['our_devices']} | {totals['core']} | {totals['ours']} | |"
    )
    return lines


def detail(r: DumpResult) -> list[str]:
    """A dump's table per platform and the devices we miss."""
    lines = [
        f"### {r.name} ({r.mode} API, {len(r.labels)} user-facing devices)",
        "",
        "| | core | ours | core's unique ids we have |",
        "|:--|--:|--:|--:|",
        f"| devices exposed | {len(r.core.devices)} | {len(r.ours.devices)}"
        f"{_mark(len(r.ours.devices & r.core.devices), len(r.core.devices))} | |",
    ]
    for platform in r.platforms():
        theirs = r.core.unique_ids.get(platform, set())
        shared = len(theirs & r.ours.unique_ids.get(platform, set()))
        lines.append(
            f"| {platform} | {_count(r.core, platform)}"
            f" | {_count(r.ours, platform)}"
            f"{_mark(r.ours.enabled[platform], r.core.enabled[platform])}"
            f" | {f'{shared}/{len(theirs)}' if theirs else ''} |"
        )
    lines.append("")
    if missing := r.missing():
        lines.append("Devices core exposes and we do not:")
        lines.extend(f"- `{url}` {r.labels[url]}" for url in missing)
        lines.append("")
    for side, found in ((CORE, r.core), (OURS, r.ours)):
        if not found.loaded:
            lines.append(f"**{side} did not set up.**")
        if found.errors:
            lines.append(f"Errors logged by {side} ({len(found.errors)}):")
            lines.extend(f"- {line}" for line in found.errors[:5])
        if not found.loaded or found.errors:
            lines.append("")
    return lines


def report(results: list[DumpResult]) -> str:
    """The whole report, in markdown (also readable as text)."""
    lines = [
        "Counts are entities enabled by default; (+N) more are created disabled.",
        "A device is exposed when it has at least one entity enabled by default."
        " **<**: ours below core.",
        "",
        *summary(results),
        "",
    ]
    for r in results:
        lines.extend(detail(r))
    return "\n".join(lines)
