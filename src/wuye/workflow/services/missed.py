"""The messages of the missed planned-task sweep (``schedules.planned_task_sweep_missed``): who
is told (the assignee or the staff of its role, and the department head), and what: the task
itself, or one digest per recipient and sweep batch."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.models import Staff

__all__ = ["DIGEST_TASKS", "missed_message", "missed_recipients"]


def estate_zone(estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai")


DIGEST_TASKS = 20  # tasks named in one digest message; the count says the rest


def missed_recipients(task: dict, memo: dict) -> list:
    """The assignee (or the staff of the assignee role in the estate) and the department head,
    looked up once per estate, assignee, role and department (not once per schedule)."""
    key = (task["estate_id"], task["assignee_id"], task["assignee_role"], task["department"])
    if key not in memo:
        staff = Staff.objects.filter(
            company_id=task["company_id"], is_active=True, estates=task["estate_id"]
        ).select_related("user")
        users = [s.user for s in staff.filter(user_id=task["assignee_id"])]
        if task["assignee_id"] and not users:  # an executive working in every estate
            users = list(get_user_model().objects.filter(pk=task["assignee_id"]))
        if not task["assignee_id"] and task["assignee_role"]:
            users = [s.user for s in staff.filter(role=task["assignee_role"])]
        heads = staff.filter(role=Role.DEPARTMENT_HEAD)
        if task["department"]:
            heads = heads.filter(department__kind=task["department"])
        users.extend(s.user for s in heads)
        seen: set[int] = set()
        memo[key] = [u for u in users if not (u.pk in seen or seen.add(u.pk))]
    return memo[key]


def missed_message(tasks: list[dict], estates: dict) -> dict:
    """The task itself when it is one; a digest ("N 个计划任务已错过：…") when it is many, so
    a department head is told once per sweep batch, not a thousand times."""
    first = tasks[0]
    estate = estates[first["estate_id"]]
    zone = estate_zone(estate)
    if len(tasks) == 1:
        values = {
            "name": first["schedule__name"], "rule": first["schedule__rule"] or "-",
            "scheduled_for": first["scheduled_for"].astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "due_at": first["due_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        }  # fmt: skip
        context = {
            "title": _("计划任务已错过：%(name)s") % values,
            "body": _(
                "计划「%(name)s」（%(rule)s）%(scheduled_for)s 的任务未在 %(due_at)s 前完成，"
                "已标记为错过，请尽快补做。"
            )
            % values,
        }
        ref, key = f"planned:{first['id']}", f"planned_missed:{first['id']}"
    else:
        names = [
            f"{t['schedule__name']}（{t['scheduled_for'].astimezone(zone):%m-%d %H:%M}）"
            for t in tasks[:DIGEST_TASKS]
        ]
        more = len(tasks) - len(names)
        values = {
            "count": len(tasks),
            "names": "、".join(names) + (f" …（+{more}）" if more else ""),
        }
        context = {
            "title": _("%(count)d 个计划任务已错过") % values,
            "body": _("以下计划任务未在到期前完成，已标记为错过，请尽快补做：%(names)s") % values,
        }
        # Unique per batch: the batch's tasks are claimed once, so is their digest.
        ref, key = "", f"planned_digest:{first['id']}:{len(tasks)}"
    return {"template": "notice", "context": context, "channels": ["inbox"], "estate": estate,
            "ref": ref, "idempotency_key": key}  # fmt: skip
