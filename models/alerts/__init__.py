"""The action-alert reader: pasted or uploaded alert text in, a draft campaign out.

``alert_text`` turns a file (plain text, an e-mail, a web page) into text;
``parse_alert`` finds whom the alert asks people to contact and how.
"""

from models.alerts.contacts import check_contact
from models.alerts.draft import AlertDraft, DraftContact, DraftOfficial
from models.alerts.parse import parse_alert
from models.alerts.source import alert_text

__all__ = [
    "AlertDraft",
    "DraftContact",
    "DraftOfficial",
    "alert_text",
    "check_contact",
    "parse_alert",
]
