"""Migrations: from empty to head, and the head schema is exactly what the models say."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from models.base import Base
from models.db import alembic_config, make_engine, migrate


def test_migration_from_empty_to_head_on_sqlite(tmp_path: object) -> None:
    """An empty SQLite file migrates to head and then to head again without change."""
    engine = make_engine(f"sqlite:///{tmp_path}/empty.db")
    migrate(engine)
    migrate(engine)
    assert set(inspect(engine).get_table_names()) == {
        *Base.metadata.tables,
        "alembic_version",
    }
    engine.dispose()


def test_database_is_at_head(engine: Engine) -> None:
    """The migrated test database (SQLite and PostgreSQL) records the newest revision."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_models_match_the_migrated_schema(engine: Engine) -> None:
    """Autogenerate finds nothing to do: no model change is missing a migration."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
