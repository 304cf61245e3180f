"""What the audit log must never hold: the contents of notes and other free text,
passwords, password hashes and session tokens."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import accounts
from models.commands import ResponseInput, create_follow_up, log_attempt, record_response
from models.corrections import delete_attempt, update_attempt
from models.db import session_scope
from models.directory import OfficialInput, create_official, update_official
from models.tables import AuditEvent, User, UserSession
from models.vocab import Channel, Outcome, Role, Stance
from tests.world import EDIT, LATER, NOTES, PASSWORD, World, build_world


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def audit_text(engine: Engine) -> str:
    """Every audit event, every column, as one string."""
    with Session(engine) as session:
        rows = session.execute(select(AuditEvent)).scalars().all()
        return "\n".join(
            json.dumps(
                [e.actor_id, e.action, e.entity, e.entity_id, e.changes],
                ensure_ascii=False,
                default=str,
            )
            for e in rows
        )


def test_notes_and_free_text_never_reach_the_audit_log(engine: Engine, world: World) -> None:
    """Notes (attempts, officials), summaries and reasons are audited as facts, not copied."""
    texts = {
        "log": "Log-notes: the aide Wisteria-Four promised a letter",
        "edit": "Edit-notes: Wisteria-Four called back",
        "official": "Official-notes: reachable via Juniper-Eleven",
        "official edit": "Official-edit-notes: Juniper-Eleven left",
        "summary": "Summary: Tamarind-Two will forward it",
        "reason": "Reason: ask Saffron-Three again",
    }
    a = world.coordinator
    with session_scope(engine) as s:
        attempt = log_attempt(
            s,
            campaign_id=world.campaign,
            official_id=world.official,
            channel=Channel.PHONE,
            outcome=Outcome.SPOKE_TO_STAFF,
            actor_id=a,
            idempotency_key="free-text",
            occurred_at=LATER,
            notes=texts["log"],
            response=ResponseInput(Stance.WILL_FORWARD, texts["summary"]),
        ).attempt_id
        update_attempt(s, attempt, replace(EDIT, notes=texts["edit"]), actor_id=a)
        create_follow_up(
            s,
            campaign_id=world.campaign,
            official_id=world.official,
            due_on=date(2026, 3, 9),
            actor_id=a,
            reason=texts["reason"],
        )
        update_attempt(s, world.attempt, EDIT, actor_id=a)  # reached: it can be answered
        record_response(
            s,
            attempt_id=world.attempt,
            response=ResponseInput(Stance.OPPOSED, texts["summary"]),
            actor_id=a,
        )
        official = create_official(
            s, OfficialInput("Nina Newcomer", notes=texts["official"]), actor_id=world.admin
        )
        update_official(
            s,
            official,
            OfficialInput("Nina Newcomer", notes=texts["official edit"]),
            actor_id=world.admin,
        )
        delete_attempt(s, attempt, actor_id=a)

    logged = audit_text(engine)
    assert [t for t in texts.values() if t in logged] == []
    assert NOTES not in logged
    with Session(engine) as session:
        notes_changes = session.scalars(
            select(AuditEvent.changes)
            .where(AuditEvent.action.in_(["create", "update"]))
            .where(AuditEvent.entity.in_(["attempt", "official"]))
            .order_by(AuditEvent.id.desc())
            .limit(3)
        ).all()
    # Newest first: the official's update, its creation, the attempt's update.
    assert [c.get("notes") for c in notes_changes] == ["changed", None, "changed"]


def test_passwords_hashes_and_tokens_never_reach_the_audit_log(
    engine: Engine, world: World
) -> None:
    """Set, reset, mistyped or used: no password, hash or session token appears in any event."""
    typed = {
        "created": "created with this passphrase",
        "reset": "reset to this passphrase",
        "own": "changed by herself to this",
        "wrong": "a wrong guess at the passphrase",
    }
    with session_scope(engine) as s:
        newcomer = accounts.create_account(
            s, name="newcomer", password=typed["created"], role=Role.VIEWER, actor_id=world.admin
        )
        accounts.set_password(s, newcomer, typed["reset"], actor_id=world.admin)
        accounts.set_password(s, newcomer, typed["own"], actor_id=newcomer)
    with session_scope(engine) as s:
        assert accounts.sign_in(s, "newcomer", typed["wrong"]).user is None
    with session_scope(engine) as s:
        token = accounts.sign_in(s, "newcomer", typed["own"]).token
    assert token is not None
    with session_scope(engine) as s:
        accounts.sign_out(s, token)

    logged = audit_text(engine)
    with Session(engine) as session:
        hashes = [h for h in session.scalars(select(User.password_hash)) if h]
        token_hashes = list(session.scalars(select(UserSession.token_hash)))
    secrets = [*typed.values(), PASSWORD, *hashes, token, *token_hashes]
    assert len(hashes) == 5
    assert [s for s in secrets if s in logged] == []
