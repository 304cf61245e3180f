"""Log outreach: pick whom you contacted, see their details and the script, log the attempt."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from models.phones import InvalidPhoneNumber
from models.queries import ContactView, OfficialCard, Option
from models.text import InvalidInput
from models.vocab import CHANNEL_FOR_KIND, OUTCOMES_BY_CHANNEL, Channel, Outcome, Stance
from pages.ui import cache, corrections_form, log_form, render, state
from pages.ui.guard import acting_user_id, guard
from pages.ui.log_form import NOT_RECORDED, LogEntry, ReplyEntry


def apply_pending_target(campaigns: list[Option]) -> None:
    """Preselect the campaign and official handed over by the Follow-ups page."""
    target = state.pending_target()
    state.drop(state.PENDING_TARGET)
    if target is None or target[0] not in {c.id for c in campaigns}:
        return
    state.put(state.LOG_CAMPAIGN, target[0])
    state.put(state.LOG_OFFICIAL, target[1])
    log_form.start_new_entry()


def pick(label: str, options: list[Option], key: str) -> int:
    labels = {o.id: o.label for o in options}
    value = st.selectbox(
        label,
        list(labels),
        format_func=lambda i: labels.get(i, f"#{i}"),
        key=key,
        on_change=log_form.start_new_entry,
        persist_state="session",
    )
    return int(value) if value is not None else options[0].id


def contacts_for(card: OfficialCard, channel: Channel) -> dict[int, str]:
    """Choices for "Contact used": the official's points of this channel, primary first."""
    matching: list[ContactView] = sorted(
        (c for c in card.contacts if CHANNEL_FOR_KIND[c.kind] == channel),
        key=lambda c: not c.is_primary,
    )
    choices = {c.id: render.contact_option(c) for c in matching}
    choices[NOT_RECORDED] = "— not recorded —"
    return choices


def draw_form(campaign_id: int, card: OfficialCard, channel: Channel) -> LogEntry | None:
    """The attempt form; the entry typed when "Log attempt" was pressed, else None."""
    contacts = contacts_for(card, channel)
    with st.form(state.LOG_FORM, clear_on_submit=False, enter_to_submit=False):
        left, right = st.columns(2)
        contact = left.selectbox(
            "Contact used", list(contacts), format_func=contacts.__getitem__, key=state.LOG_CONTACT
        )
        outcome = right.selectbox(
            "Outcome",
            OUTCOMES_BY_CHANNEL[channel],
            format_func=lambda o: f"{o} · {o.outcome_class}",
            key=state.LOG_OUTCOME,
        )
        duration = left.number_input(
            "Duration (seconds)",
            min_value=0,
            max_value=86_400,
            step=1,
            value=None,
            key=state.LOG_DURATION,
        )
        follow_up_on = right.date_input(
            "Follow up on", value=None, format="YYYY-MM-DD", key=state.LOG_FOLLOW_UP
        )
        notes = st.text_area("Notes", key=state.LOG_NOTES)
        responded = st.checkbox("They responded on substance", key=state.LOG_RESPONDED)
        left, right = st.columns(2)
        stance = left.selectbox(
            "Stance",
            list(Stance),
            index=None,
            placeholder="Pick the stance they took",
            key=state.LOG_STANCE,
        )
        commitment_on = right.date_input(
            "Commitment date", value=None, format="YYYY-MM-DD", key=state.LOG_COMMITMENT
        )
        summary = st.text_area("Response summary", key=state.LOG_SUMMARY, height=80)
        submitted = st.form_submit_button("Log attempt", type="primary")
    if not submitted or outcome is None:
        return None
    return LogEntry(
        campaign_id=campaign_id,
        official_id=card.id,
        channel=channel,
        contact_point_id=None if contact in (None, NOT_RECORDED) else int(contact),
        outcome=Outcome(outcome),
        duration_s=None if duration is None else int(duration),
        notes=notes,
        follow_up_on=follow_up_on,
        responded=responded,
        stance=None if stance is None else Stance(stance),
        summary=summary,
        commitment_on=commitment_on,
        actor_id=acting_user_id(),
    )


def submit(entry: LogEntry, official_name: str) -> None:
    """Save ``entry`` once; on bad input say why and keep everything typed."""
    fingerprint = entry.fingerprint()
    key = log_form.choose_key(log_form.ensure_key(), state.saved_entry(), fingerprint)
    state.put(state.LOG_KEY, key)
    try:
        result = cache.write(
            lambda session: log_form.save(session, entry, key),
            changes=(cache.ACTIVITY,),
            campaign_id=entry.campaign_id,
        )
    except (InvalidInput, InvalidPhoneNumber) as exc:
        state.drop(state.LOG_NOTICE, state.LOG_REPEAT)
        render.error(str(exc))
        return
    notice = log_form.confirmation(result, entry, official_name)
    if result.created:
        state.put(state.LOG_SAVED, state.SavedEntry(key, fingerprint, result.attempt_id))
        state.put(state.LOG_NOTICE, notice)
        state.drop(state.LOG_REPEAT)
    else:
        # The first save's confirmation stays on screen; this says the repeat was ignored.
        state.put(state.LOG_REPEAT, notice)


def draw_reply(campaign_id: int, official_id: int) -> None:
    """Record a reply that came later (a letter, an email, a call back)."""
    with st.expander("Record a later reply"):
        options = cache.awaiting_reply(campaign_id, official_id)
        render.show_notice(state.REPLY_NOTICE)
        if not options:
            st.caption("No attempt to this official in this campaign is waiting for a reply.")
            return
        labels = {o.id: o.label for o in options}
        today = datetime.now(UTC).date()
        with st.form(state.REPLY_FORM):
            attempt_id = st.selectbox(
                "Attempt answered",
                list(labels),
                format_func=labels.__getitem__,
                key=state.REPLY_ATTEMPT,
            )
            left, right = st.columns(2)
            stance = left.selectbox(
                "Reply stance",
                list(Stance),
                index=None,
                placeholder="Pick the stance",
                key=state.REPLY_STANCE,
            )
            received_on = right.date_input(
                "Received on",
                value=today,
                max_value=today,
                format="YYYY-MM-DD",
                key=state.REPLY_DATE,
            )
            commitment_on = left.date_input(
                "Reply commitment date",
                value=None,
                format="YYYY-MM-DD",
                key=state.REPLY_COMMITMENT,
            )
            summary = st.text_area("Reply summary", key=state.REPLY_SUMMARY, height=80)
            if not st.form_submit_button("Record reply") or attempt_id is None:
                return
        entry = ReplyEntry(
            int(attempt_id),
            None if stance is None else Stance(stance),
            summary,
            received_on,
            commitment_on,
            acting_user_id(),
        )
        save_reply(entry)


def save_reply(entry: ReplyEntry) -> None:
    attempt_at = cache.attempt_time(entry.attempt_id)
    if attempt_at is None:
        render.error("That attempt no longer exists.")
        return
    now = datetime.now(UTC)
    try:
        cache.write(
            lambda session: log_form.save_reply(session, entry, attempt_at, now),
            changes=(cache.ACTIVITY,),
        )
    except InvalidInput as exc:
        render.error(str(exc))
        return
    state.put(
        state.REPLY_NOTICE,
        state.Notice("success", f"Reply recorded against attempt #{entry.attempt_id}."),
    )
    st.rerun()


user = guard("log")
st.title("Log outreach")

campaigns = cache.campaign_options()
if not campaigns:
    st.info(
        "There is no active campaign yet. An admin adds campaigns; "
        "`python cli.py seed` loads the first one."
    )
    st.stop()
apply_pending_target(campaigns)

top = st.columns(3)
with top[0]:
    campaign_id = pick("Campaign", campaigns, state.LOG_CAMPAIGN)
officials = cache.official_options(campaign_id)
with top[1]:
    if not officials:
        st.info("This campaign has no target officials yet.")
        st.stop()
    official_id = pick("Official", officials, state.LOG_OFFICIAL)
with top[2]:
    channel = Channel(
        st.selectbox(
            "Channel",
            list(Channel),
            format_func=str,
            key=state.LOG_CHANNEL,
            on_change=log_form.start_new_entry,
            persist_state="session",
        )
        or Channel.PHONE
    )

card = cache.official_card(official_id)
campaign = cache.campaign_view(campaign_id)
if card is None or campaign is None:
    st.warning("That official or campaign no longer exists; pick again.")
    st.stop()

details, script = st.columns([2, 3])
with details:
    render.official_details(card, datetime.now(UTC))
with script, st.expander("Call script", expanded=True):
    st.markdown(campaign.call_script or "_This campaign has no call script yet._")

log_form.ensure_key()
entry = draw_form(campaign_id, card, channel)
if entry is not None:
    submit(entry, card.full_name)
render.show_notice(state.LOG_NOTICE)
render.show_notice(state.LOG_REPEAT)
if state.saved_entry() is not None:
    st.button("Log another attempt", on_click=log_form.log_another)

draw_reply(campaign_id, official_id)

st.subheader("Recent attempts")
recent = cache.recent_attempts(campaign_id, official_id)
if recent.empty:
    st.caption("No attempts to this official in this campaign yet.")
else:
    render.table(recent)

corrections_form.draw(campaign_id, official_id, user)
