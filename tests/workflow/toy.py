"""A toy process for the engine's tests: dispatch in 1 hour (24×7), done in 3 working days."""

from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.engine import CREATED, Action, Clock, Process, State, register

DESK = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD})
WORKER = frozenset({Role.TECHNICIAN})

TOY = register(
    Process(
        code="toy",
        label="玩具流程",
        prefix="TY",
        department=DepartmentKind.CUSTOMER_SERVICE,
        states=(
            State("new", "待派单"),
            State("assigned", "待接单"),
            State("working", "处理中"),
            State("waiting", "等待业主"),
            State("done", "已完成", terminal=True),
            State("cancelled", "已取消", terminal=True),
        ),
        initial="new",
        actions=(
            Action("dispatch", "派单", ("new",), "assigned", DESK, assigns=True),
            Action("accept", "接单", ("assigned",), "working", WORKER, assignee_only=True),
            Action("wait_owner", "等待业主", ("working",), "waiting", WORKER, note_required=True),
            Action("resume", "继续处理", ("waiting",), "working", WORKER),
            Action("complete", "完成", ("working",), "done", WORKER, photos=1, signature=True),
            Action("cancel", "取消", ("new", "assigned"), "cancelled", DESK, note_required=True),
        ),
        clocks=(
            Clock("dispatch", "TOY-01", "派单时限", 60, "minutes", (CREATED,), ("dispatch",)),
            Clock(
                "finish",
                "TOY-02",
                "处理时限",
                3,
                "working_days",
                (CREATED,),
                ("complete",),
                pause_on=("wait_owner",),
                resume_on=("resume",),
            ),
        ),
    )
)
