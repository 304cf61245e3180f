"""Attempts import: the names in a file (campaigns, officials, coordinators, contacts)
resolved to the records they are, each table read once for the whole file."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import record_event
from models.importing.attempt_rows import AttemptEntry
from models.importing.cells import CellProblem
from models.importing.report import ImportRejected
from models.matching import Directory, MatchConflict
from models.tables import Campaign, ContactPoint, Official, User
from models.text import name_key
from models.users import user_key
from models.vocab import CampaignStatus, Role

IMPORTER = "imported"  # the coordinator of rows that name none, from the command line


class Resolver:
    def __init__(self, session: Session, default: str | None, create: bool) -> None:
        self.session, self.create = session, create
        rows = session.execute(select(Campaign.id, Campaign.name, Campaign.status))
        self._campaigns = {name_key(name): cid for cid, name, _ in rows}
        self._active = [
            cid for cid, status in session.execute(select(Campaign.id, Campaign.status))
            if status is CampaignStatus.ACTIVE
        ]  # fmt: skip
        self._to_create: dict[str, str] = {}  # name key -> the name as first written
        self.directory = Directory(session)
        self._officials: dict[tuple[str, str], int | CellProblem] = {}
        self._default = None if default is None else self._named(default, line=None)
        self._contacts = {
            (o, v): i for i, o, v in session.execute(
                select(ContactPoint.id, ContactPoint.official_id, ContactPoint.value).where(
                    ContactPoint.removed_at.is_(None)
                )
            )
        }  # fmt: skip

    def _named(self, name: str, line: int | None) -> int | str:
        key = name_key(name)
        if key in self._campaigns:
            return self._campaigns[key]
        if not self.create:
            problem = f'campaign "{name}" does not exist (give --create-campaigns to create it)'
            if line is None:
                raise ImportRejected([problem])
            raise CellProblem(problem)
        return self._to_create.setdefault(key, name)

    def known_campaign_ids(self) -> list[int]:
        return list(self._campaigns.values())

    def campaigns_to_create(self) -> list[str]:
        return list(self._to_create.values())

    def campaign(self, entry: AttemptEntry) -> int | str:
        """The campaign's id, or the name of one to create."""
        if entry.campaign:
            return self._named(entry.campaign, entry.line)
        if self._default is not None:
            return self._default
        if len(self._active) == 1:
            return self._active[0]
        raise CellProblem(
            f"no campaign, and there are {len(self._active)} active campaigns: give --campaign NAME"
        )

    def official(self, entry: AttemptEntry) -> int:
        key = (entry.official, entry.organization)
        if key not in self._officials:
            self._officials[key] = self._official(entry)
        found = self._officials[key]
        if isinstance(found, CellProblem):
            raise found
        return found

    def _official(self, entry: AttemptEntry) -> int | CellProblem:
        try:
            match = self.directory.identify(entry.official, (), entry.organization)
        except MatchConflict as exc:
            return CellProblem(str(exc))
        if match is None:
            return CellProblem(
                f'official "{entry.official}" is not in the directory (import officials first)'
            )
        return match.official_id

    def contact_point(self, official_id: int, value: str) -> int | None:
        return self._contacts.get((official_id, value)) if value else None

    def is_archived(self, official_id: int) -> bool:
        official = self.session.get(Official, official_id)
        return official is None or official.archived_at is not None

    def coordinator_ids(self, names: Iterable[str], actor_id: int | None) -> dict[str, int]:
        """Each coordinator's user id, keeping one who has no account as a name: a
        deactivated account without a password. "" is the importer."""
        users = {name: uid for name, uid in self.session.execute(select(User.name, User.id))}
        ids: dict[str, int] = {}
        for name in set(names):
            if not name and actor_id is not None:
                ids[name] = actor_id
                continue
            key = user_key(name or IMPORTER)
            if key not in users:
                users[key] = self._keep_name(name or IMPORTER, actor_id)
            ids[name] = users[key]
        return ids

    def _keep_name(self, name: str, actor_id: int | None) -> int:
        user = User(name=user_key(name), display_name=name, role=Role.COORDINATOR, is_active=False)
        self.session.add(user)
        self.session.flush()
        record_event(
            self.session, actor_id=actor_id, action="create", entity="user", entity_id=user.id,
            changes={"name": user.name, "role": Role.COORDINATOR.value, "is_active": False,
                     "source": "import"},
        )  # fmt: skip
        return user.id
