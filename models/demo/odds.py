"""How likely each thing is in the demo history: channels, outcomes, replies, follow-ups.

The weights are made once into cumulative tables (:data:`KINDS`, :data:`STANCES`) that
the row maker draws from with :func:`pick`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models.vocab import (
    CHANNEL_FOR_KIND,
    LIVE_CLASSES,
    Channel,
    ContactKind,
    Outcome,
    OutcomeClass,
    Stance,
)

# How a coordinator reaches an office: mostly phone and fax.
CHANNEL_WEIGHT: dict[Channel, float] = {
    Channel.PHONE: 55, Channel.FAX: 25, Channel.EMAIL: 8,
    Channel.LETTER: 4, Channel.SOCIAL_MEDIA: 3, Channel.IN_PERSON: 1,
}  # fmt: skip

# Outcome frequencies per channel; each key is allowed for its channel (OUTCOMES_BY_CHANNEL).
OUTCOME_WEIGHT: dict[Channel, dict[Outcome, float]] = {
    Channel.PHONE: {
        Outcome.NO_ANSWER: 30, Outcome.BUSY: 8, Outcome.VOICEMAIL_FULL: 5,
        Outcome.WRONG_NUMBER: 1, Outcome.LEFT_VOICEMAIL: 20, Outcome.SPOKE_TO_STAFF: 23,
        Outcome.SPOKE_TO_OFFICIAL: 3, Outcome.ASKED_TO_CALL_BACK: 6, Outcome.REFUSED: 4,
    },
    Channel.FAX: {Outcome.BUSY: 10, Outcome.WRONG_NUMBER: 2, Outcome.FAILED_TO_SEND: 12,
                  Outcome.SENT: 76},
    Channel.EMAIL: {Outcome.FAILED_TO_SEND: 4, Outcome.SENT: 96},
    Channel.LETTER: {Outcome.FAILED_TO_SEND: 2, Outcome.SENT: 98},
    Channel.IN_PERSON: {Outcome.NO_ANSWER: 20, Outcome.SPOKE_TO_STAFF: 50,
                        Outcome.SPOKE_TO_OFFICIAL: 10, Outcome.ASKED_TO_CALL_BACK: 10,
                        Outcome.REFUSED: 10},
    Channel.SOCIAL_MEDIA: {Outcome.FAILED_TO_SEND: 5, Outcome.SENT: 85,
                           Outcome.SPOKE_TO_STAFF: 10},
}  # fmt: skip

# Seconds a call or visit lasted, as (minimum, spread); other channels have no duration.
DURATION: dict[OutcomeClass, tuple[int, int]] = {
    OutcomeClass.NO_CONTACT: (15, 30), OutcomeClass.DELIVERED: (30, 90),
    OutcomeClass.REACHED: (60, 600), OutcomeClass.REFUSED: (10, 60),
}  # fmt: skip
TIMED_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})

# Chance that an attempt ever gets an answer on substance (none where nobody was reached:
# models.response_rules; a delivered one only later), and of a follow-up being set.
RESPONSE_CHANCE = {OutcomeClass.NO_CONTACT: 0.0, OutcomeClass.DELIVERED: 0.08,
                   OutcomeClass.REACHED: 0.35, OutcomeClass.REFUSED: 0.40}  # fmt: skip
FOLLOW_UP_CHANCE = {OutcomeClass.NO_CONTACT: 0.10, OutcomeClass.DELIVERED: 0.20,
                    OutcomeClass.REACHED: 0.30, OutcomeClass.REFUSED: 0.05}  # fmt: skip
CALL_BACK_FOLLOW_UP_CHANCE = 0.8
LIVE_RESPONSE_CHANCE = 0.7  # of replies from an office that was reached: given on the spot
COMMITMENT_CHANCE = 0.4  # of "will forward / will reply": with a date, which is a follow-up

STANCE_WEIGHT: dict[bool, dict[Stance, float]] = {  # keyed by "the office refused"
    False: {Stance.SUPPORTIVE: 10, Stance.WILL_FORWARD: 40, Stance.NONCOMMITTAL: 30,
            Stance.NO_COMMENT: 15, Stance.OPPOSED: 5},
    True: {Stance.NO_COMMENT: 60, Stance.OPPOSED: 40},
}  # fmt: skip
SUMMARY = {
    Stance.SUPPORTIVE: "Demo: the office shares the concern and will raise it.",
    Stance.WILL_FORWARD: "Demo: the message will be passed on; a written reply was promised.",
    Stance.NONCOMMITTAL: "Demo: the office listened and gave no position.",
    Stance.NO_COMMENT: "Demo: the office declined to comment.",
    Stance.OPPOSED: "Demo: the office rejected the reports.",
}
NOTES = ("Demo: asked for the right person's name.", "Demo: the line was poor.")
NOTES_CHANCE = 0.05

# Follow-up fates: cancelled, forgotten (stays open), done on time; the rest are done late.
CANCELLED_BELOW, FORGOTTEN_BELOW, ON_TIME_BELOW = 0.05, 0.15, 0.75

Table_ = tuple[tuple[Any, ...], list[float]]  # items and their cumulative weights


@dataclass(frozen=True)
class Kind:
    """An outcome as reached through one channel, with what tends to follow it."""

    outcome: Outcome
    timed: bool
    live: bool
    refused: bool
    low: int
    spread: int
    response_chance: float
    follow_up_chance: float


@dataclass(frozen=True)
class Contact:
    channel: Channel
    contact_point_id: int | None
    value: str
    kinds: Table_  # the outcomes of this channel


def contacts(points: Sequence[tuple[int, ContactKind, str]]) -> Table_:
    """Each contact point with its channel's weight shared among the points of that kind.

    A visit in person needs no contact point, so every official can be visited.
    """
    options: list[tuple[Channel, int | None, str]] = [
        (CHANNEL_FOR_KIND[kind], point_id, value) for point_id, kind, value in points
    ]
    options.append((Channel.IN_PERSON, None, ""))
    per_channel = {channel: sum(1 for o in options if o[0] == channel) for channel, _, _ in options}
    made = tuple(Contact(ch, pid, value, KINDS[ch]) for ch, pid, value in options)
    return made, cumulative([CHANNEL_WEIGHT[ch] / per_channel[ch] for ch, _, _ in options])


def _kinds(channel: Channel) -> Table_:
    kinds = []
    for outcome in OUTCOME_WEIGHT[channel]:
        klass = outcome.outcome_class
        low, spread = DURATION[klass]
        follow_up = FOLLOW_UP_CHANCE[klass]
        if outcome is Outcome.ASKED_TO_CALL_BACK:
            follow_up = CALL_BACK_FOLLOW_UP_CHANCE
        kinds.append(
            Kind(
                outcome, channel in TIMED_CHANNELS, klass in LIVE_CLASSES,
                klass is OutcomeClass.REFUSED, low, spread, RESPONSE_CHANCE[klass], follow_up,
            )
        )  # fmt: skip
    return tuple(kinds), cumulative(list(OUTCOME_WEIGHT[channel].values()))


def cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def pick(table: Table_, roll: float) -> Any:
    """The item of ``table`` that ``roll`` (uniform in [0, 1)) falls on."""
    items, cum = table
    return items[bisect.bisect(cum, roll * cum[-1], 0, len(cum) - 1)]


KINDS = {channel: _kinds(channel) for channel in OUTCOME_WEIGHT}
STANCES = {
    refused: ((tuple((s, SUMMARY[s]) for s in weights)), cumulative(list(weights.values())))
    for refused, weights in STANCE_WEIGHT.items()
}
