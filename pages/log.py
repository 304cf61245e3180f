"""Log outreach: pick whom you contacted, see their details, history and the script, log it."""

from __future__ import annotations

from datetime import date

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from models.cadence import propose_next
from models.commands import LikelyTwin, TwinCheck
from models.db import is_lock_error
from models.entries import AttemptEntry, ReplyEntry, attempt_time, save_attempt, save_reply
from models.localtime import zone
from models.phones import InvalidPhoneNumber
from models.queries import ContactView, OfficialCard, Option
from models.text import InvalidInput
from models.vocab import CHANNEL_FOR_KIND, OUTCOMES_BY_CHANNEL, Channel, Outcome, Stance
from pages.ui import (
    cache,
    history_view,
    log_corrections,
    log_form,
    log_guard,
    render,
    state,
    timeline_view,
)
from pages.ui.guard import acting_user_id, guard

# Wide bounds on purpose: a date the widget refuses would be dropped without a word, so
# the widget takes any plausible date and the model layer refuses with a message.
DATE_MIN = date(1000, 1, 1)
DATE_MAX = date(9999, 12, 31)


def date_field(
    where: DeltaGenerator, label: str, value: date | None, *, key: str, help: str | None = None
) -> date | None:
    """A YYYY-MM-DD date box with the wide bounds above."""
    return where.date_input(
        label,
        value=value,
        min_value=DATE_MIN,
        max_value=DATE_MAX,
        format="YYYY-MM-DD",
        key=key,
        help=help,
    )


def apply_pending_target(campaigns: list[Option]) -> None:
    """Preselect the campaign and official handed over by the Follow-ups page."""
    target = state.pending_target()
    state.drop(state.PENDING_TARGET)
    if target is None or target[0] not in {c.id for c in campaigns}:
        return
    state.put(state.LOG_CAMPAIGN, target[0])
    state.put(log_form.official_key(target[0]), target[1])
    log_form.start_new_entry()


def pick(label: str, options: list[Option], key: str) -> int:
    """A selectbox of ``options`` (type to search); the chosen id."""
    labels = {o.id: o.label for o in options}
    if state.get(key) not in labels:
        state.drop(key)  # an id from another campaign, or deleted: take the first
    value = st.selectbox(
        label,
        list(labels),
        format_func=lambda i: labels.get(i, f"#{i}"),
        key=key,
        on_change=log_form.start_new_entry,
    )
    return int(value) if value is not None else options[0].id


def contacts_for(card: OfficialCard, channel: Channel) -> dict[int, str]:
    """Choices for "Contact used": the official's points of this channel, primary first,
    suspect ones (models.freshness) last."""
    matching: list[ContactView] = sorted(
        (c for c in card.contacts if CHANNEL_FOR_KIND[c.kind] == channel),
        key=lambda c: (c.suspect, not c.is_primary),  # suspect numbers last
    )
    choices = {c.id: render.contact_option(c) for c in matching}
    choices[log_form.NOT_RECORDED] = "— not recorded —"
    return choices


def outcomes_for(channel: Channel) -> list[Outcome]:
    """The outcomes a channel allows, grouped by class (no contact, delivered, reached, refused)."""
    classes = list(dict.fromkeys(o.outcome_class for o in Outcome))
    return sorted(OUTCOMES_BY_CHANNEL[channel], key=lambda o: classes.index(o.outcome_class))


def propose(campaign_id: int, card: OfficialCard, outcome: Outcome | None) -> date | None:
    """The proposed Follow up on: the campaign's cadence from the official's today."""
    if outcome is None:
        return None
    local_today = log_form.now_utc().astimezone(zone(card.timezone)).date()
    rules = cache.cadence_rules_of(campaign_id)
    days = None if rules is None else rules.as_dict()
    return propose_next(outcome, local_today, card.country, days=days, hours=card.hours)


def draw_form(
    campaign_id: int, card: OfficialCard, channel: Channel, outcome: Outcome | None, own_zone: str
) -> AttemptEntry | None:
    """The attempt form; what it held when "Log attempt" was pressed, else None."""
    contacts = contacts_for(card, channel)
    now = log_form.now_utc()
    proposed = propose(campaign_id, card, outcome)
    own_today = now.astimezone(zone(own_zone)).date()
    key = log_form.field_key
    with st.form(state.LOG_FORM, clear_on_submit=False, enter_to_submit=True):
        main, details = st.columns([3, 2])
        notes = main.text_area("Notes", key=key(state.LOG_NOTES), placeholder="What was said")
        follow_up_on = date_field(
            main,
            "Follow up on",
            proposed,
            key=log_form.follow_up_key(card.id, outcome),
        )
        call_back_at = None
        if outcome == Outcome.ASKED_TO_CALL_BACK:
            call_back_at = main.time_input(
                "Call back at",
                value=None,
                step=300,
                key=key(f"{state.LOG_CALL_BACK}:{card.id}"),
                help=f"The time they gave, in their time ({card.timezone}), on Follow up on.",
            )
        submitted = main.form_submit_button("Log attempt", type="primary")
        main.caption(
            "Follow up on is proposed from the outcome, in business days where the official "
            "sits; clear it for no follow-up. Ctrl+Enter in Notes logs the attempt."
        )
        contact = details.selectbox(
            "Contact used",
            list(contacts),
            format_func=contacts.__getitem__,
            key=log_form.contact_key(card.id, channel),
        )
        day = date_field(
            details,
            "When",
            own_today,
            key=key(state.LOG_WHEN_DAY),
            help=f"The day, in your time ({own_zone}).",
        )
        at = details.time_input(
            "At (your time)",
            value=None,
            step=60,
            key=key(state.LOG_WHEN_TIME),
            help="Leave empty for now; an earlier call needs its time.",
        )
        duration = details.number_input(
            "Duration (seconds)",
            min_value=0,
            max_value=86_400,
            step=1,
            value=None,
            key=key(state.LOG_DURATION),
        )
        responded = details.checkbox("They responded on substance", key=key(state.LOG_RESPONDED))
        stance = details.selectbox(
            "Stance",
            list(Stance),
            index=None,
            placeholder="Pick the stance they took",
            key=key(state.LOG_STANCE),
        )
        commitment_on = date_field(
            details,
            "Commitment date",
            None,
            key=key(state.LOG_COMMITMENT),
        )
        summary = details.text_area("Response summary", key=key(state.LOG_SUMMARY), height=80)
    if not submitted:
        return None
    try:
        occurred_at = attempt_time(day or own_today, at, own_zone, now)
    except InvalidInput as exc:
        render.error(str(exc))
        return None
    return AttemptEntry(
        campaign_id=campaign_id,
        official_id=card.id,
        channel=channel,
        contact_point_id=None if contact in (None, log_form.NOT_RECORDED) else int(contact),
        outcome=outcome,
        occurred_at=occurred_at,
        duration_s=None if duration is None else int(duration),
        notes=notes,
        follow_up_on=follow_up_on,
        responded=responded,
        stance=None if stance is None else Stance(stance),
        summary=summary,
        commitment_on=commitment_on,
        actor_id=acting_user_id(),
        call_back_at=call_back_at,
    )


def submit(entry: AttemptEntry, card: OfficialCard, own_zone: str) -> None:
    """Save ``entry`` once; on bad input say why and keep everything typed. The same call
    saved moments ago in another tab is held back until the coordinator confirms it."""
    fingerprint = entry.fingerprint()
    key = log_form.choose_key(log_form.ensure_key(), state.saved_entry(), fingerprint)
    state.put(state.LOG_KEY, key)
    now = log_form.now_utc()
    twins = TwinCheck(known=state.own_attempts())
    state.drop(state.LOG_TWIN)
    try:
        # The spinner shows only while a save waits for other writers (it retries them).
        with st.spinner("Saving: the database is busy with other saves…", show_time=True):
            result = cache.write(
                lambda session: save_attempt(
                    session, entry, idempotency_key=key, now_utc=now, twins=twins
                ),
                changes=(cache.ACTIVITY,),
                campaign_id=entry.campaign_id,
                retryable=True,  # the idempotency key makes a second try return the first save
            )
    except LikelyTwin as twin:
        state.drop(state.LOG_NOTICE, state.LOG_REPEAT)
        state.put(state.LOG_TWIN, state.PendingTwin(entry, twin.attempt_id, twin.saved_at))
        return
    except (InvalidInput, InvalidPhoneNumber) as exc:
        state.drop(state.LOG_NOTICE, state.LOG_REPEAT)
        render.error(str(exc))
        return
    except Exception as exc:
        if not is_lock_error(exc):
            raise
        state.drop(state.LOG_NOTICE, state.LOG_REPEAT)
        render.error(log_form.BUSY)
        return
    notice = log_form.confirmation(
        result,
        entry,
        card.full_name,
        occurred_at=entry.occurred_at or now,
        own_zone=own_zone,
        official_zone=card.timezone,
    )
    if result.created:
        state.add_own_attempt(result.attempt_id)
        state.put(state.LOG_SAVED, state.SavedEntry(key, fingerprint, result.attempt_id))
        state.put(state.LOG_NOTICE, notice)
        state.drop(state.LOG_REPEAT)
    else:
        # The first save's confirmation stays on screen; this says the repeat was ignored.
        state.put(state.LOG_REPEAT, notice)


def draw_reply(campaign_id: int, official_id: int, own_zone: str) -> None:
    """Record a reply that came later (a letter, an email, a call back)."""
    with st.expander("Record a later reply"):
        options = cache.awaiting_reply(campaign_id, official_id)
        render.show_notice(state.REPLY_NOTICE)
        if not options:
            st.caption("No attempt to this official in this campaign is waiting for a reply.")
            return
        labels = {o.id: o.label for o in options}
        today = log_form.now_utc().astimezone(zone(own_zone)).date()
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
            received_on = date_field(
                right,
                "Received on",
                today,
                key=state.REPLY_DATE,
                help=f"The day, in your time ({own_zone}).",
            )
            received_at = right.time_input(
                "Received at (your time)",
                value=None,
                step=60,
                key=state.REPLY_TIME,
                help="Leave empty for now; a reply on an earlier day needs its time.",
            )
            commitment_on = date_field(
                left,
                "Reply commitment date",
                None,
                key=state.REPLY_COMMITMENT,
            )
            summary = st.text_area("Reply summary", key=state.REPLY_SUMMARY, height=80)
            if not st.form_submit_button("Record reply") or attempt_id is None:
                return
        entry = ReplyEntry(
            int(attempt_id),
            None if stance is None else Stance(stance),
            summary,
            received_on or today,
            commitment_on,
            acting_user_id(),
            received_at=received_at,
            timezone=own_zone,
        )
        record_reply(entry)


def record_reply(entry: ReplyEntry) -> None:
    now = log_form.now_utc()
    try:
        cache.write(
            lambda session: save_reply(session, entry, now_utc=now),
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

campaigns = cache.campaign_options(only_active=True)
if not campaigns:
    st.info(
        "There is no active campaign. An admin adds or reopens campaigns on the Campaigns "
        "page; `python cli.py seed` loads the first one."
    )
    st.stop()
apply_pending_target(campaigns)
own_zone = history_view.coordinator_zone(st.context.timezone)

top = st.columns(2)
with top[0]:
    campaign_id = pick("Campaign", campaigns, state.LOG_CAMPAIGN)
officials = cache.official_options(campaign_id)
with top[1]:
    if not officials:
        st.info("This campaign has no target officials yet.")
        st.stop()
    official_id = pick("Official", officials, log_form.official_key(campaign_id))
channel = Channel(
    st.segmented_control(
        "Channel",
        list(Channel),
        default=Channel.PHONE,
        required=True,
        format_func=str,
        key=state.LOG_CHANNEL,
        on_change=log_form.start_new_entry,
        wrap=True,
    )
    or Channel.PHONE
)

card = cache.official_card(official_id)
campaign = cache.campaign_view(campaign_id)
if card is None or campaign is None:
    st.warning("That official or campaign no longer exists; pick again.")
    st.stop()

log_form.ensure_key()
entry_side, info_side = st.columns([3, 2])
with entry_side:
    picked = st.pills(
        "Outcome",
        outcomes_for(channel),
        format_func=str,
        key=log_form.outcome_key(channel),
        wrap=True,
    )
    outcome = None if picked is None else Outcome(picked)
    log_guard.draw(
        card, campaign_id, cap=campaign.daily_cap, own_zone=own_zone, now=log_form.now_utc()
    )
    drawn = draw_form(campaign_id, card, channel, outcome, own_zone)
    if drawn is not None:
        submit(drawn, card, own_zone)
    held = state.pending_twin()
    if drawn is None and held is not None and state.get(state.LOG_TWIN_SAVE):
        state.add_own_attempt(held.attempt_id)  # confirmed: a second call, not a twin
        submit(held.entry, card, own_zone)
    held = state.pending_twin()
    if held is not None:
        render.warning(log_form.twin_warning(held, own_zone, card.timezone))
        st.button(log_form.SAVE_TWIN, key=state.LOG_TWIN_SAVE)
    render.show_notice(state.LOG_NOTICE)
    render.show_notice(state.LOG_REPEAT)
    if state.saved_entry() is not None:
        st.button("Log another attempt", on_click=log_form.log_another)
    draw_reply(campaign_id, official_id, own_zone)
with info_side:
    # After the form in the page, so the tab order runs through the form first.
    render.official_details(card, log_form.now_utc())
    with st.expander("Call script", expanded=True):
        render.call_script(campaign.call_script, empty="This campaign has no call script yet.")
    if st.button("Open this official's timeline"):
        timeline_view.open_on_officials(card.id)
    st.subheader("Call history")
    history_view.draw(
        cache.attempt_history(official_id, campaign_id),
        own_zone=own_zone,
        official_zone=card.timezone,
        empty="No attempts to this official in this campaign yet.",
    )

log_corrections.draw(campaign_id, official_id, user)
