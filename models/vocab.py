"""The domain's fixed vocabularies (DESIGN.md's tables as data)."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    PHONE = "phone"
    FAX = "fax"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in person"
    SOCIAL_MEDIA = "social media"


class OutcomeClass(StrEnum):
    NO_CONTACT = "no contact"
    DELIVERED = "delivered"
    REACHED = "reached"
    REFUSED = "refused"


class Outcome(StrEnum):
    NO_ANSWER = "no answer"
    BUSY = "busy"
    VOICEMAIL_FULL = "voicemail full"
    WRONG_NUMBER = "wrong or dead number"
    FAILED_TO_SEND = "failed to send"
    LEFT_VOICEMAIL = "left voicemail"
    SENT = "sent"
    SPOKE_TO_STAFF = "spoke to staff"
    SPOKE_TO_OFFICIAL = "spoke to the official"
    ASKED_TO_CALL_BACK = "asked to call back"
    REFUSED = "refused / hung up"

    @property
    def outcome_class(self) -> OutcomeClass:
        return OUTCOME_CLASS[self]


OUTCOME_CLASS: dict[Outcome, OutcomeClass] = {
    Outcome.NO_ANSWER: OutcomeClass.NO_CONTACT,
    Outcome.BUSY: OutcomeClass.NO_CONTACT,
    Outcome.VOICEMAIL_FULL: OutcomeClass.NO_CONTACT,
    Outcome.WRONG_NUMBER: OutcomeClass.NO_CONTACT,
    Outcome.FAILED_TO_SEND: OutcomeClass.NO_CONTACT,
    Outcome.LEFT_VOICEMAIL: OutcomeClass.DELIVERED,
    Outcome.SENT: OutcomeClass.DELIVERED,
    Outcome.SPOKE_TO_STAFF: OutcomeClass.REACHED,
    Outcome.SPOKE_TO_OFFICIAL: OutcomeClass.REACHED,
    Outcome.ASKED_TO_CALL_BACK: OutcomeClass.REACHED,
    Outcome.REFUSED: OutcomeClass.REFUSED,
}

# Outcomes that make sense for each channel: a fax cannot take a voicemail, a letter
# cannot be "busy". The log form offers only these, and log_attempt enforces them.
OUTCOMES_BY_CHANNEL: dict[Channel, tuple[Outcome, ...]] = {
    Channel.PHONE: (
        Outcome.NO_ANSWER,
        Outcome.BUSY,
        Outcome.VOICEMAIL_FULL,
        Outcome.WRONG_NUMBER,
        Outcome.LEFT_VOICEMAIL,
        Outcome.SPOKE_TO_STAFF,
        Outcome.SPOKE_TO_OFFICIAL,
        Outcome.ASKED_TO_CALL_BACK,
        Outcome.REFUSED,
    ),
    Channel.FAX: (Outcome.BUSY, Outcome.WRONG_NUMBER, Outcome.FAILED_TO_SEND, Outcome.SENT),
    Channel.EMAIL: (Outcome.FAILED_TO_SEND, Outcome.SENT),
    Channel.LETTER: (Outcome.FAILED_TO_SEND, Outcome.SENT),
    Channel.IN_PERSON: (
        Outcome.NO_ANSWER,
        Outcome.SPOKE_TO_STAFF,
        Outcome.SPOKE_TO_OFFICIAL,
        Outcome.ASKED_TO_CALL_BACK,
        Outcome.REFUSED,
    ),
    Channel.SOCIAL_MEDIA: (Outcome.FAILED_TO_SEND, Outcome.SENT, Outcome.SPOKE_TO_STAFF),
}

# Outcome classes in which the office was reached and could answer on substance live.
LIVE_CLASSES: frozenset[OutcomeClass] = frozenset({OutcomeClass.REACHED, OutcomeClass.REFUSED})


class Stance(StrEnum):
    SUPPORTIVE = "supportive"
    WILL_FORWARD = "will forward / will reply"
    NONCOMMITTAL = "noncommittal"
    NO_COMMENT = "no comment"
    OPPOSED = "opposed"


class ContactKind(StrEnum):
    PHONE = "phone"
    FAX = "fax"
    EMAIL = "email"
    ADDRESS = "address"
    WEB = "web"


# The channel a contact point of each kind is used through.
CHANNEL_FOR_KIND: dict[ContactKind, Channel] = {
    ContactKind.PHONE: Channel.PHONE,
    ContactKind.FAX: Channel.FAX,
    ContactKind.EMAIL: Channel.EMAIL,
    ContactKind.ADDRESS: Channel.LETTER,
    ContactKind.WEB: Channel.SOCIAL_MEDIA,
}


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    VIEWER = "viewer"


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"
