"""Local time where an official sits, and whether their office is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class UnknownTimeZone(ValueError):
    pass


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; raises :class:`UnknownTimeZone` with a readable message."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownTimeZone(f"“{name}” is not an IANA time zone (e.g. Europe/Moscow).") from exc


def all_zones() -> list[str]:
    return sorted(available_timezones())


@dataclass(frozen=True)
class OfficeHours:
    days: int  # bit mask, bit 0 = Monday
    opens: time
    closes: time

    def is_open_day(self, weekday: int) -> bool:
        return bool(self.days >> weekday & 1)

    def describe(self) -> str:
        """``Mon–Fri 09:00–18:00``-style text."""
        days = [d for d in range(7) if self.is_open_day(d)]
        if not days:
            return "no office days"
        if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
            span = f"{WEEKDAY_NAMES[days[0]]}–{WEEKDAY_NAMES[days[-1]]}"
        else:
            span = ", ".join(WEEKDAY_NAMES[d] for d in days)
        return f"{span} {self.opens:%H:%M}–{self.closes:%H:%M}"


@dataclass(frozen=True)
class OfficeState:
    local_time: datetime  # aware, in the official's zone
    is_open: bool
    next_change: datetime | None  # when it next opens or closes, local; None if never


def days_mask(weekdays: list[int]) -> int:
    """Bit mask for weekday numbers (0 = Monday)."""
    mask = 0
    for day in weekdays:
        if not 0 <= day <= 6:
            raise ValueError(f"weekday {day} is not 0 (Monday) to 6 (Sunday)")
        mask |= 1 << day
    return mask


def office_state(hours: OfficeHours, tz_name: str, now_utc: datetime) -> OfficeState:
    """Whether the office is open at ``now_utc`` (aware) in its own time zone."""
    local = now_utc.astimezone(zone(tz_name))
    is_open = _open_at(hours, local)
    return OfficeState(local_time=local, is_open=is_open, next_change=_next_change(hours, local))


def _open_at(hours: OfficeHours, local: datetime) -> bool:
    return hours.is_open_day(local.weekday()) and hours.opens <= local.time() < hours.closes


def _next_change(hours: OfficeHours, local: datetime) -> datetime | None:
    """The next opening (when closed) or closing (when open), searching a week ahead."""
    if hours.days == 0 or hours.opens >= hours.closes:
        return None
    currently_open = _open_at(hours, local)
    for offset in range(8):
        day = (local + timedelta(days=offset)).date()
        if not hours.is_open_day(day.weekday()):
            continue
        for boundary in (hours.opens, hours.closes):
            moment = datetime.combine(day, boundary, tzinfo=local.tzinfo)
            if moment > local and _open_at(hours, moment) != currently_open:
                return moment
    return None
