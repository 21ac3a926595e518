"""One owner's move-in at the desk (MOVEIN-02), its steps in the manual's order."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wuye.core.choices import Relation, Role
from wuye.core.models import Occupancy
from wuye.core.scoping import Actor, get_or_404
from wuye.core.validators import (
    TEXT_MAX,
    check_max_chars,
    check_model_text,
    normalize_id_number,
    text_too_long,
    validate_id_number,
)
from wuye.workflow import services as engine

from ..models import FollowUpTask, HouseDefect, MoveIn
from ..processes import HOUSE_DEFECT, MOVE_IN_NEED
from .common import MAX_KEYS, NEED_DEPARTMENTS, REVISIT_METHODS, _actor, _check_gate, _today
from .fees import _fees_check_paid, _invoices_check_issued
from .reads import move_in_list

# --- One owner's move-in (MOVEIN-02, in order) --------------------------------------------------


def _checked(value) -> bool:
    return value is True or value in ("on", "1", "true", "True")


def _clean_defects(raw, errors: dict) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors["defects"] = [_("验收问题格式不正确")]
        return []
    lines = []
    for line in raw:
        if not isinstance(line, dict):
            errors["defects"] = [_("验收问题格式不正确")]
            return []
        location = str(line.get("location") or "").strip()
        description = str(line.get("description") or "").strip()
        if not location and not description:
            continue
        if not location or not description:
            errors["defects"] = [_("每个问题请填写部位和问题描述，如“主卧 / 墙面空鼓”")]
            return []
        if check_model_text(HouseDefect, {}, location=location, description=description):
            errors["defects"] = [
                _("部位不能超过 %(location)d 个字，问题描述不能超过 %(description)d 个字")
                % {"location": HouseDefect._meta.get_field("location").max_length,
                   "description": HouseDefect._meta.get_field("description").max_length}
            ]  # fmt: skip
            return []
        lines.append({"location": location, "description": description})
    return lines


def _clean_needs(raw, errors: dict) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors["needs"] = [_("业主需求格式不正确")]
        return []
    lines = []
    for line in raw:
        if not isinstance(line, dict):
            errors["needs"] = [_("业主需求格式不正确")]
            return []
        need = str(line.get("need") or "").strip()
        department = str(line.get("department") or "").strip()
        if not need and not department:
            continue
        if not need:
            errors["needs"] = [_("请填写业主需求，如“需要家政保洁服务”")]
            return []
        if department not in NEED_DEPARTMENTS:
            errors["needs"] = [_("请为每项需求选择处理部门")]
            return []
        if check_model_text(FollowUpTask, {}, need=need):
            errors["needs"] = [
                text_too_long(_("需求"), FollowUpTask._meta.get_field("need").max_length)
            ]
            return []
        lines.append({"need": need, "department": department})
    check_max_chars(errors, needs=("\n".join(n["need"] for n in lines), TEXT_MAX, _("业主需求")))
    return lines


def _attachment_id(move_in: MoveIn, value, attachments: list, key: str, errors: dict):
    """An agreement's signature or scan: one of the attachments sent with this action."""
    ids = {str(getattr(a, "pk", a)) for a in attachments or []}
    if value in (None, "") or str(value) not in ids:
        label = (
            _("《前期物业服务协议》") if key == "service_agreement" else _("《业主临时管理规约》")
        )
        errors[key] = [_("请业主签署%(doc)s（手写签名或上传签字扫描件）") % {"doc": label}]
        return None
    return str(value)


def _clean(move_in: MoveIn, action: str, actor: Actor, data: dict, attachments: list) -> dict:
    """The move-in's checks of an action's data; returns the data as the event records it."""
    errors: dict[str, list[str]] = {}
    clean = dict(data)
    if action not in {a.name for a in engine.allowed_actions(case=move_in.case, user=actor)}:
        return clean  # the engine refuses it (403 role / 409 step out of order, MOVEIN-02)
    if action == "arrive":
        _check_gate(move_in.batch.building)
    elif action == "check_documents":
        # MOVEIN-04/13: the ID number checked digit by digit, the contract number recorded.
        id_number = normalize_id_number(data.get("id_number"))
        if not id_number:
            errors["id_number"] = [_("请填写业主身份证号")]
        else:
            try:
                validate_id_number(id_number)
            except ValidationError as error:
                errors["id_number"] = list(error.messages)
            else:
                on_file = move_in.resident.id_number
                if on_file and on_file != id_number:
                    errors["id_number"] = [
                        _("与业主档案中的身份证号（%(masked)s）不一致，请核对证件")
                        % {"masked": move_in.resident.id_number_masked}
                    ]
        contract_no = str(data.get("contract_no") or "").strip()
        if not contract_no:
            errors["contract_no"] = [_("请填写购房合同编号")]
        elif len(contract_no) > 40:
            errors["contract_no"] = [_("购房合同编号不能超过 40 个字符")]
        clean.update(
            id_number=id_number,
            contract_no=contract_no,
            household=str(data.get("household") or "").strip(),
            emergency_contact=str(data.get("emergency_contact") or "").strip(),
        )
        check_model_text(MoveIn, errors, household=clean["household"],
                         emergency_contact=clean["emergency_contact"])  # fmt: skip
    elif action == "pay_fees":
        # MOVEIN-05: the step is done when the move-in's bills are paid at the cashier and the
        # invoice of that money is issued (引导业主缴纳相关费用…，开具发票): both on the event.
        clean["bills"] = _fees_check_paid(move_in)
        clean["invoices"] = _invoices_check_issued(move_in)
    elif action == "inspect":
        clean["defects"] = _clean_defects(data.get("defects"), errors)
    elif action == "hand_keys":
        try:
            keys = int(data.get("key_count") or 0)
        except (TypeError, ValueError):
            keys = 0
        if not 1 <= keys <= MAX_KEYS:
            errors["key_count"] = [_("钥匙数量应为 1～%(n)d 把") % {"n": MAX_KEYS}]
        cards = [c for c in re.split(r"[\s,，、;；]+", str(data.get("access_cards") or "")) if c]
        if not cards:
            errors["access_cards"] = [_("请填写交付的门禁卡卡号，多张用逗号分隔")]
        elif len("、".join(cards)) > 200:
            errors["access_cards"] = [_("门禁卡卡号太长（最多 200 个字符）")]
        if not _checked(data.get("usage_explained")):
            errors["usage_explained"] = [_("请确认已向业主讲解钥匙和门禁卡的使用方法")]
        clean.update(key_count=keys, access_cards="、".join(cards), usage_explained=True)
    elif action == "complete":
        clean["service_agreement"] = _attachment_id(
            move_in, data.get("service_agreement"), attachments, "service_agreement", errors
        )
        clean["covenant"] = _attachment_id(
            move_in, data.get("covenant"), attachments, "covenant", errors
        )
    elif action == "revisit":
        method = data.get("method")
        if method not in REVISIT_METHODS:
            errors["method"] = [_("请选择回访方式（电话或上门）")]
        try:
            score = int(data.get("satisfaction"))
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            errors["satisfaction"] = [_("满意度应为 1～5 分")]
        clean.update(satisfaction=score, needs=_clean_needs(data.get("needs"), errors))
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def move_in_act(
    *,
    move_in: MoveIn | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> MoveIn:
    """Any step of one owner's move-in, checked by the engine (role 403, state 409 — the steps
    run in the manual's order, MOVEIN-02 — inputs 400) and by the move-in rules here."""
    actor = _actor(by)
    qs = move_in_list(actor=actor).select_for_update(no_key=True, of=("self",)).order_by()
    move_in = get_or_404(qs, move_in.pk if isinstance(move_in, MoveIn) else move_in)
    clean = _clean(move_in, action, actor, data or {}, attachments or [])
    result = engine.case_act(
        case=move_in.case, action=action, by=actor, note=note, data=clean,
        attachments=attachments, assignee=assignee,
    )  # fmt: skip
    move_in.case = result.case
    _apply(move_in, action, actor, clean, result.event.at)
    return move_in


def move_in_case_act(*, case, action: str, by, **kwargs) -> MoveIn:
    """The move-in process's service for the generic case page and API (Process.service)."""
    return move_in_act(move_in=case.move_in, action=action, by=by, **kwargs)


def _apply(move_in: MoveIn, action: str, actor: Actor, data: dict, now: dt.datetime) -> None:
    fields: list[str] = []
    if action == "check_documents":
        for key in ("id_number", "contract_no", "household", "emergency_contact"):
            setattr(move_in, key, data[key])
            fields.append(key)
    elif action == "inspect":
        _defects_open(move_in, actor, data["defects"], now)
    elif action == "hand_keys":
        move_in.key_count, move_in.access_cards = data["key_count"], data["access_cards"]
        fields += ["key_count", "access_cards"]
    elif action == "complete":
        move_in.service_agreement_id = data["service_agreement"]
        move_in.covenant_id = data["covenant"]
        fields += ["service_agreement", "covenant"]
        occupancy = _occupancy_ensure(move_in, actor, now)
        if occupancy is not None:
            move_in.occupancy = occupancy
            fields.append("occupancy")
    elif action == "revisit":
        move_in.revisit_method = data["method"]
        move_in.satisfaction = data["satisfaction"]
        move_in.needs = "\n".join(n["need"] for n in data["needs"])
        fields += ["revisit_method", "satisfaction", "needs"]
        _needs_route(move_in, actor, data["needs"], now)
    if fields:
        move_in.save(update_fields=fields)


def _occupancy_ensure(move_in: MoveIn, actor: Actor, now: dt.datetime) -> Occupancy | None:
    """MOVEIN-10 starts from here: the owner's occupancy of the room, created unless the owner
    has one in force already (the roster registered before the move-in)."""
    from wuye.core.services import occupancy_create

    exists = Occupancy.objects.filter(
        room=move_in.room_id, resident=move_in.resident_id, relation=Relation.OWNER,
        end_date__isnull=True,
    ).exists()  # fmt: skip
    if exists:
        return None
    return occupancy_create(
        room=move_in.room, resident=move_in.resident, relation=Relation.OWNER,
        start_date=_today(move_in.batch.estate, now), by=actor,
    )  # fmt: skip


def _defects_open(move_in: MoveIn, actor: Actor, defects: list[dict], now: dt.datetime) -> None:
    """MOVEIN-06/07: each problem on the 《房屋验收记录表》 is a ``house_defect`` case whose
    7-working-day rectification clock starts at the inspection."""
    for line in defects:
        case = engine.case_open(
            process=HOUSE_DEFECT, estate=move_in.batch.estate, by=actor, at=now,
            title=f"{move_in.room.label} {line['location']} {line['description']}"[:200],
            data={"move_in": move_in.pk, "room": move_in.room_id},
        )  # fmt: skip
        HouseDefect.objects.create(
            move_in=move_in, case=case, location=line["location"],
            description=line["description"], created_at=now,
        )  # fmt: skip


def _needs_route(move_in: MoveIn, actor: Actor, needs: list[dict], now: dt.datetime) -> None:
    """MOVEIN-11: each need is a ``move_in_need`` case of the chosen department (its data
    names the department: its heads are told now and escalated to)."""
    from wuye.notify.services import message_enqueue

    for line in needs:
        case = engine.case_open(
            process=MOVE_IN_NEED, estate=move_in.batch.estate, by=actor, at=now,
            title=f"{move_in.room.label} {line['need']}"[:200],
            data={"department": line["department"], "move_in": move_in.pk},
        )  # fmt: skip
        FollowUpTask.objects.create(
            move_in=move_in, case=case, department=line["department"], need=line["need"],
            created_at=now,
        )  # fmt: skip
        heads = engine.escalation_recipients(case, (Role.DEPARTMENT_HEAD,), line["department"])
        for head in heads:
            message_enqueue(
                recipient=head, template="move_in_need", estate=move_in.batch.estate,
                ref=case.number, url=reverse("workflow:case_detail", args=[case.pk]),
                context={"number": case.number, "room": move_in.room.label,
                         "name": move_in.resident.name, "need": line["need"]},
            )  # fmt: skip
