"""Immutability in the database itself (PostgreSQL): events, ledger entries, payments and
allocations refuse raw UPDATE, DELETE and TRUNCATE, whoever sends them; and the application's
own role (not the owner of the tables, ``wuye grant_app_role``) does all its writes but can
neither truncate nor switch the triggers off."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tests.billing.test_fees import fee, finance, frozen, run
from tests.repairs.helpers import report
from wuye.billing import services as billing
from wuye.billing.models import Allocation, LedgerEntry, Payment
from wuye.workflow.models import Event

__all__ = ["fee", "finance", "frozen"]  # fixtures

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

APP_ROLE = "wuye_app_test"
IMMUTABLE = ("workflow_event", "billing_ledgerentry", "billing_payment", "billing_allocation")


def refused(sql: str) -> str:
    """Run one statement in a savepoint; the database's error text if it refused, else ""."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # The test's own inserts leave deferred foreign-key checks pending, and PostgreSQL
            # refuses TRUNCATE of a table with pending trigger events before ours can answer.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql)
    except DatabaseError as error:
        return str(error)
    return ""


@pytest.fixture
def money(world, finance, fee):
    """A bill, a payment settling it (allocation + ledger entries) and a repair's events."""
    run(world, finance)
    billing.payment_record(room=world.room, amount="500.00", channel="cash", by=finance.user)
    report(world)
    assert Payment.objects.exists() and Allocation.objects.exists()
    assert LedgerEntry.objects.exists() and Event.objects.exists()


@pytest.mark.parametrize("table", IMMUTABLE)
def test_raw_update_delete_and_truncate_are_refused(money, table):
    assert "immutable" in refused(f"UPDATE {table} SET id = id")
    assert "immutable" in refused(f"DELETE FROM {table}")
    assert "immutable" in refused(f"TRUNCATE {table} CASCADE")
    assert "immutable" in refused(f"TRUNCATE billing_bill, {table} CASCADE")


@pytest.fixture
def app_role(db):
    """A role like production's wuye_app (rolled back with the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN")
    call_command("grant_app_role", APP_ROLE, stdout=io.StringIO())
    yield APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


def test_the_app_role_writes_everything_but_cannot_undo_the_guards(world, finance, fee, app_role):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {app_role}")
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    # The application's writes: a billing run, a payment with its allocation and ledger
    # entries, a repair order with its events and clocks.
    run(world, finance)
    billing.payment_record(room=world.room, amount="500.00", channel="cash", by=finance.user)
    order = report(world)
    assert order.case.events.exists()
    assert Allocation.objects.exists() and LedgerEntry.objects.filter(kind="payment").exists()
    # What it cannot do: truncate, switch triggers off, drop them, drop a table.
    for table in IMMUTABLE:
        assert "permission denied" in refused(f"TRUNCATE {table} CASCADE")
        assert "owner" in refused(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        assert "immutable" in refused(f"DELETE FROM {table}")
        assert "immutable" in refused(f"UPDATE {table} SET id = id")
    assert "owner" in refused("DROP TRIGGER billing_payment_immutable ON billing_payment")
    assert "owner" in refused("DROP TABLE billing_payment CASCADE")
    assert "permission denied" in refused(
        "SET LOCAL wuye.purge = 'on'; TRUNCATE billing_ledgerentry CASCADE"
    )


def test_grant_refuses_the_owner_itself_and_unknown_roles(db):
    from django.core.management.base import CommandError

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="owner"):
        call_command("grant_app_role", owner)
    with pytest.raises(CommandError, match="No PostgreSQL role"):
        call_command("grant_app_role", "no_such_role_here")
