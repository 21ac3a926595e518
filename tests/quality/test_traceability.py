"""Traceability (QUALITY-01/02): every step a declared process lets a person (or the scheduler)
take, run through the engine, leaves its immutable record on the case's timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import UserFactory
from tests.images import make_jpeg
from wuye.workflow.attachments import attachment_sample_signature, attachment_store
from wuye.workflow.engine import processes
from wuye.workflow.models import Case, Event, EventImmutable
from wuye.workflow.services import case_act

from .conftest import NOW


def _case(estate, process, status: str, n: int) -> Case:
    return Case.objects.create(
        estate=estate, process=process.code, number=f"QA-{n:05d}", title=f"{process.label}",
        status=status, created_at=NOW - dt.timedelta(hours=1), updated_at=NOW, data={},
    )  # fmt: skip


def test_every_declared_process_action_writes_an_event__QUALITY_01_02(world, time_machine):
    time_machine.move_to(NOW, tick=False)
    admin = UserFactory(username="qa-admin", is_superuser=True)
    walked, wrong = 0, []
    n = 0
    for process in processes():
        for action in process.actions:
            for source in action.sources:
                n += 1
                case = _case(world.estate, process, source, n)
                files = [
                    attachment_store(upload=make_jpeg(), by=admin) for _ in range(action.photos)
                ]
                if action.signature:
                    files.append(attachment_sample_signature(by=admin))
                result = case_act(
                    case=case, action=action.name, by=admin, note="按流程执行",
                    data={key: "已填写" for key in action.requires}, attachments=files,
                    assignee=world.tech.user if action.assigns else None,
                )  # fmt: skip
                events = list(Event.objects.filter(case=case))
                walked += 1
                if [e.action for e in events] != [action.name] or events[0] != result.event:
                    wrong.append(f"{process.code}.{action.name} from {source}: {events}")
                    continue
                event = events[0]
                assert (event.from_status, event.to_status) == (source, action.target or source)
                assert event.at == NOW and event.actor == admin
    assert walked > 50
    assert not wrong, "\n".join(wrong)


def test_an_event_can_be_neither_changed_nor_deleted__QUALITY_02(world, time_machine):
    time_machine.move_to(NOW, tick=False)
    admin = UserFactory(username="qa-admin", is_superuser=True)
    process = next(p for p in processes() if p.code == "repair")
    case = _case(world.estate, process, process.initial, 1)
    event = case_act(case=case, action="comment", by=admin, note="备注").event
    event.note = "改过"
    with pytest.raises(EventImmutable):
        event.save()
    with pytest.raises(EventImmutable):
        Event.objects.filter(pk=event.pk).update(note="改过")
    with pytest.raises(EventImmutable):
        event.delete()
    with pytest.raises(EventImmutable):
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).note == "备注"
