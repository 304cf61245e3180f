"""What each Insights figure means, in one line each: the page and the docs show this text.

Each line says the numerator, the denominator and what is left out, in DESIGN.md's
terms. ``models/insights/figures.py`` computes exactly these.
"""

from __future__ import annotations

from typing import Final

SMALL_SAMPLE: Final = 30  # weeks and officials resting on fewer attempts are marked uncertain
PRIOR_STRENGTH: Final = 10  # pseudo-attempts of the overall rate added to every hour cell

DEFINITIONS: Final[dict[str, str]] = {
    "weeks": "Weeks run Monday 00:00 to Sunday 24:00 UTC, for everyone wherever they sit; "
    "a week cut by the date range counts only its days inside the range.",
    "attempts": "Attempts: outreach attempts logged in the filters; deleted attempts are "
    "left out everywhere.",
    "contact_rate": "Contact rate: attempts that reached a person (outcome class reached or "
    "refused) ÷ attempts.",
    "response_rate": "Response rate: attempts that got a response on substance, live or "
    "later ÷ attempts; a later reply counts for the attempt it answers.",
    "median_time_to_response": "Median time to response: the middle value of response time − "
    "attempt time over the attempts with a response, shown as the band it falls in "
    "(the lower middle when the count is even).",
    "open_follow_ups": "Open follow-ups: follow-ups open at the end of the period (created "
    "by then, not yet done or cancelled); not shown when a channel filter is set, "
    "because follow-ups have no channel.",
    "overdue_follow_ups": "Overdue follow-ups: open follow-ups at the end of the period whose "
    "due day (UTC) had passed.",
    "previous_period": "Each tile is compared with the period of the same length just "
    "before; with no start date there is no previous period.",
    "attempts_by_week_channel": "Attempts per week by channel: attempts counted in the week they "
    "were made.",
    "response_rate_by_week": "Response rate per week: attempts made that week with a "
    "response (even one that came later) ÷ attempts made that week; the band is the 95% "
    f"Wilson interval, and weeks with fewer than {SMALL_SAMPLE} attempts are marked uncertain.",
    "follow_ups_by_week": "Follow-ups per week, by the week they were due (cancelled ones "
    "left out): done on time (on or before the due day, UTC), done late, still open and "
    "overdue, still open and not yet due.",
    "per_official": "Per official: attempts, contact rate and response rate (with its 95% "
    "Wilson interval) over the official's attempts in the filters.",
    "last_contact": "Last contact: the latest attempt in the filters that reached a person "
    "(reached or refused).",
    "time_to_first_response": "Time to first response: from the official's first attempt "
    "in the filters to the earliest response to any of those attempts.",
    "outcome_mix": "Outcome mix: each outcome's share of the attempts made through that channel.",
    "best_time_to_call": "Best time to call: phone calls that reached a person ÷ phone calls, "
    "by weekday and hour in the official's own time zone, pulled towards the overall rate "
    f"by {PRIOR_STRENGTH} pseudo-calls so that a handful of calls cannot dominate: "
    f"(reached + {PRIOR_STRENGTH} × overall rate) ÷ (calls + {PRIOR_STRENGTH}).",
    "raw_rows": "Filtered by coordinator: the counts come from the attempts themselves, "
    "not from the weekly totals (which have no coordinator), so they take longer the longer "
    "the date range; the median time to response too.",
    # Follow-through (models/insights/follow_through.py, survival.py).
    "responses": "Responses: the latest 500 responses to the filtered attempts, newest "
    "first, each with its commitment's state today: kept, not kept, or pending.",
    "kept": "A commitment is kept when the office answered again on substance (a later "
    "response to any attempt to that official in that campaign) on or before the "
    "commitment date (UTC day); not kept once the date has passed without one; pending "
    "before. Our own calls do not keep an office's promise. Kept commitments are counted "
    "from the responses in the date range, so a longer range takes longer.",
    "coverage": "Coverage: per campaign, its targets (not archived) and how many had an "
    "attempt in that campaign this week (Monday 00:00 UTC to now); the date filter does "
    "not apply.",
    "quiet_officials": "Not contacted for 14 days: targets of the filtered campaigns with no "
    "attempt in any campaign for the last 14 days (today included), never contacted first.",
    "funnel": "Funnel: of the filtered attempts, those that reached a person (reached or "
    "refused), those with a response (live or later, so it can exceed reached: a fax can "
    "be answered by letter), those with a commitment that was kept.",
    "time_to_first_response_curve": "Time to first response per channel (Kaplan–Meier): per "
    "official, from the first attempt on the channel to the first response to one; an "
    "official not answered yet counts as waiting until today ends (censored). Share "
    "answered within N whole days = 1 − Π(1 − answered ÷ still waiting) over the days up "
    "to N.",
}
