"""A synthetic outreach history for trying the charts: clearly marked, deterministic, fast.

Everything made here is demo data: the campaign "Demo: synthetic history (not real
data)", its officials and its coordinators all carry ``is_demo=True``. The same seed
and a past ``today`` give the same rows every time.

* :mod:`models.demo.make`: ``make_demo``, the entry point (one transaction, one audit event);
* :mod:`models.demo.people`: the demo campaign, officials and coordinators;
* :mod:`models.demo.odds`: how likely each channel, outcome, reply and follow-up is;
* :mod:`models.demo.timeline`: the window, and when each attempt happens to whom;
* :mod:`models.demo.history`: the rows, written by the bulk writer ``models/bulk.py``;
* :mod:`models.demo.remove`: ``remove_demo``, which deletes every demo record and nothing else.
"""

from models.demo.make import DemoReport, make_demo
from models.demo.odds import OUTCOME_WEIGHT
from models.demo.people import DEMO_CAMPAIGN_NAME, DEMO_OFFICIALS
from models.demo.remove import RemovalReport, remove_demo

__all__ = [
    "DEMO_CAMPAIGN_NAME",
    "DEMO_OFFICIALS",
    "OUTCOME_WEIGHT",
    "DemoReport",
    "RemovalReport",
    "make_demo",
    "remove_demo",
]
