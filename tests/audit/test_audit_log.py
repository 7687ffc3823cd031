"""The audit log is append-only in the database, hash-chained per tenant, and verifiable."""

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import audit_record
from apps.tenants.context import tenant_context
from tests.factories import TenantFactory


def _record(tenant, n: int = 1) -> list[AuditEvent]:
    return [
        audit_record(tenant=tenant, actor=None, action="test.happened", target=("test.thing", i))
        for i in range(n)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditevent SET action = 'x' WHERE id = %s", "DELETE FROM audit_auditevent WHERE id = %s"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_remove_an_event(statement):
    [event] = _record(TenantFactory())

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])


@pytest.mark.django_db
def test_the_orm_cannot_update_events_either():
    tenant = TenantFactory()
    _record(tenant)

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.for_tenant(tenant).update(action="rewritten")


@pytest.mark.django_db
def test_each_tenant_has_its_own_chain_of_linked_hashes():
    alpha, beta = TenantFactory(), TenantFactory()
    first, second = _record(alpha, 2)
    [other] = _record(beta)

    assert (first.seq, second.seq, other.seq) == (1, 2, 1)
    assert first.prev_hash == "" and second.prev_hash == first.hash
    assert other.prev_hash == ""


@pytest.mark.django_db
def test_audit_verify_says_ok_for_an_intact_chain():
    tenant = TenantFactory(slug="intact")
    _record(tenant, 3)

    out = StringIO()
    call_command("audit_verify", "--tenant", "intact", stdout=out)

    assert "intact: ok (3 events)" in out.getvalue()


@pytest.mark.django_db
def test_audit_verify_finds_a_row_altered_behind_the_triggers_back():
    tenant = TenantFactory(slug="tampered")
    events = _record(tenant, 4)
    with connection.cursor() as cursor:
        # Only the table's owner can do this. Deferred foreign-key checks must fire first, as
        # PostgreSQL refuses ALTER TABLE while trigger events are pending in the transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(
            'UPDATE audit_auditevent SET metadata = \'{"note": "edited"}\' WHERE id = %s', [events[2].pk]
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")

    out = StringIO()
    with pytest.raises(CommandError, match="verification failed"):
        call_command("audit_verify", "--tenant", "tampered", stdout=out)

    assert "tampered: BROKEN at seq 3" in out.getvalue()
    assert "2 events verified before it" in out.getvalue()


@pytest.mark.django_db
def test_audit_verify_finds_a_removed_row():
    tenant = TenantFactory()
    events = _record(tenant, 3)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")

    report = audit_chain_verify(tenant=tenant)

    assert report.broken_at_seq == 3
    assert "expected seq 2" in report.problem


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    tenant = TenantFactory()
    threads_count, per_thread = 8, 20
    start = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                # One transaction per event, as a request or task would write it.
                with tenant_context(tenant):
                    audit_record(
                        tenant=tenant, actor=None, action="test.concurrent", target=("test.thing", f"{n}-{i}")
                    )
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    seqs = list(AuditEvent.objects.for_tenant(tenant).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads_count * per_thread + 1))
    report = audit_chain_verify(tenant=tenant)
    assert report.ok, report.problem
    assert report.events_checked == threads_count * per_thread
