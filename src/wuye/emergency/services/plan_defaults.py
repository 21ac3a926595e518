"""The manual's steps for each kind of incident: the default response plans (ch.7 §2), and a
short plan for the kinds the manual names but does not describe (fire, flood, earthquake,
other). A company edits its own copy (``services.plans``); an estate may keep one of its own.

Each step: (code, title, department, guidance, checklist). The codes are what the services of
each topic look for (the entrapment's ``reassure`` step is done by the guard's arrival)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind as D

from ..choices import IncidentKind as K

# EMERG-LIFT-10 (calm, gentle) and EMERG-LIFT-12 (no prising the doors): what the guard says
# over the intercom, on the guard's screen.
CALM_SCRIPT = _("您好，我们已经联系了维保人员，很快就会救您出来，请不要惊慌。"
                "请保持冷静，不要试图扒门或跳出轿厢，可以靠在轿厢壁上休息。")  # fmt: skip

DEFAULT_PLANS: dict[str, dict] = {
    # EMERG-LIFT-02: alarm → reassurance → call contractor → rescue → inspection → follow-up.
    K.ENTRAPMENT: {
        "name": _("电梯困人应急预案"),
        "goal": _("快速解救被困人员，避免伤亡"),
        "cautions": _(
            "不得强行打开电梯门（如用撬棍），避免造成二次伤害；"
            "被困人员需保持冷静，不要试图扒门或跳电梯。"
        ),
        "steps": [
            (
                "alarm",
                _("接警"),
                D.CUSTOMER_SERVICE,
                _("客户服务中心接到报警后，立即通知秩序管理部与工程设备部"),
                [],
            ),
            (
                "reassure",
                _("安抚"),
                D.ORDER,
                _("秩序员5分钟内到达现场，通过电梯对讲系统安抚被困人员，保持冷静、语气温和"),
                [_("已通过对讲与被困人员通话"), _("已告知被困人员不要扒门或跳电梯")],
            ),
            (
                "call_contractor",
                _("联系维保"),
                D.CUSTOMER_SERVICE,
                _("客户服务中心立即联系维保单位，要求30分钟内到达现场"),
                [],
            ),
            (
                "rescue",
                _("现场救援"),
                D.ENGINEERING,
                _("维保人员到达后实施救援（如用三角钥匙打开电梯门）"),
                [
                    _("未强行打开电梯门（未使用撬棍等工具）"),
                    _("先确认轿厢位置并切断电梯电源"),
                    _("被困人员已安全撤离"),
                ],
            ),
            (
                "inspect",
                _("检查验收"),
                D.ENGINEERING,
                _("工程人员检查电梯，确认无故障后恢复运行；未验收前电梯保持停用"),
                [],
            ),
            (
                "followup",
                _("后续处理"),
                D.CUSTOMER_SERVICE,
                _("客户服务中心回访被困人员，形成《电梯困人应急处理报告》"),
                [],
            ),
        ],
    },
    # EMERG-OUTAGE-03: notice → provision → investigation → restoration → follow-up.
    K.OUTAGE: {
        "name": _("停水停电应急预案"),
        "goal": _("减少对业主生活的影响，快速恢复供应"),
        "cautions": _("停水期间关闭小区内的消防栓；停电期间关闭电梯，并在电梯口设置“停电提示牌”。"),
        "steps": [
            (
                "notice",
                _("通知"),
                D.CUSTOMER_SERVICE,
                _("计划内停水停电提前48小时通过短信、APP、公告栏通知业主；突发停水停电立即通知"),
                [],
            ),
            (
                "provision",
                _("应急保障"),
                D.ORDER,
                _("设置临时取水点并安排秩序员值守，开启楼道应急灯"),
                [],
            ),
            (
                "investigate",
                _("故障排查"),
                D.ENGINEERING,
                _("工程人员排查故障原因（如水管破裂、变压器故障）"),
                [],
            ),
            (
                "restore",
                _("恢复供应"),
                D.ENGINEERING,
                _("如需供水/供电部门配合，立即联系其到场处理，恢复供应"),
                [],
            ),
            (
                "followup",
                _("回访"),
                D.CUSTOMER_SERVICE,
                _("恢复供应后回访业主，了解对处理过程的满意度"),
                [],
            ),
        ],
    },
    # EMERG-HEALTH-03: report → closure → disinfection → release → investigation → follow-up.
    K.HEALTH: {
        "name": _("公共卫生事件应急预案"),
        "goal": _("防止扩散，保障业主健康"),
        "cautions": _("工作人员需佩戴防护用品（如N95口罩、手套）；对隔离业主提供物资配送服务。"),
        "steps": [
            (
                "report",
                _("发现报告"),
                D.CUSTOMER_SERVICE,
                _("立即上报应急指挥小组与当地疾控部门"),
                [],
            ),
            (
                "closure",
                _("封闭管控"),
                D.ORDER,
                _("根据疾控部门要求封闭小区或单元楼，设置隔离带，禁止无关人员进入"),
                [],
            ),
            (
                "disinfection",
                _("消毒杀菌"),
                D.ENVIRONMENT,
                _("环境管理部对公共区域（如电梯间、楼道）进行消毒，每天2次"),
                [],
            ),
            (
                "release",
                _("信息发布"),
                D.CUSTOMER_SERVICE,
                _("客户服务中心通过APP、短信发布信息，准确、及时，避免引起恐慌"),
                [],
            ),
            (
                "investigation",
                _("配合调查"),
                D.ORDER,
                _("配合疾控部门调查密切接触者，做好登记"),
                [],
            ),
            (
                "aftermath",
                _("后续跟进"),
                D.ENVIRONMENT,
                _("事件结束后对小区进行全面消毒，恢复正常秩序"),
                [],
            ),
        ],
    },
    K.FIRE: {
        "name": _("火灾应急预案"),
        "goal": _("及时扑救、疏散人员，减少伤亡和损失"),
        "cautions": _("火灾时禁止使用电梯；疏散沿消防通道进行。"),
        "steps": [
            ("alarm", _("接警报警"), D.ORDER, _("确认火情，拨打119，通知秩序管理部"), []),
            ("firefight", _("初期扑救"), D.ORDER, _("使用灭火器、消防栓进行初期扑救"), []),
            (
                "evacuate",
                _("疏散人员"),
                D.ORDER,
                _("引导业主沿消防通道疏散，电梯迫降首层，车辆经消防车道驶离"),
                [],
            ),
            ("aftermath", _("善后处理"), D.CUSTOMER_SERVICE, _("统计损失，安抚业主，形成报告"), []),
        ],
    },
    K.FLOOD: {
        "name": _("水浸内涝应急预案"),
        "goal": _("控制水势，保护人员与设备安全"),
        "cautions": _("积水区域先断电再处置。"),
        "steps": [
            (
                "alarm",
                _("接警"),
                D.CUSTOMER_SERVICE,
                _("确认水浸位置和范围，通知工程设备部与秩序管理部"),
                [],
            ),
            ("control", _("现场处置"), D.ENGINEERING, _("关闭阀门、启动排水泵、设置沙袋"), []),
            ("aftermath", _("善后处理"), D.CUSTOMER_SERVICE, _("清理现场，回访受影响业主"), []),
        ],
    },
    K.EARTHQUAKE: {
        "name": _("地震应急预案"),
        "goal": _("组织避险疏散，保障人身安全"),
        "cautions": _("震后不得使用电梯；检查燃气、供电设施后方可恢复。"),
        "steps": [
            ("alarm", _("接报"), D.CUSTOMER_SERVICE, _("上报应急指挥小组，启动预案"), []),
            ("evacuate", _("疏散避险"), D.ORDER, _("引导业主到空旷地带避险"), []),
            ("inspect", _("设施排查"), D.ENGINEERING, _("排查建筑、燃气、供电、电梯等设施"), []),
            ("aftermath", _("善后处理"), D.CUSTOMER_SERVICE, _("安置业主，统计损失，形成报告"), []),
        ],
    },
    K.OTHER: {
        "name": _("突发事件通用预案"),
        "goal": _("快速响应、有效处置、减少损失"),
        "cautions": "",
        "steps": [
            ("alarm", _("接报"), D.CUSTOMER_SERVICE, _("记录事件，通知现场处置小组"), []),
            ("handle", _("现场处置"), D.ORDER, _("现场控制，必要时联系外部单位"), []),
            ("aftermath", _("善后处理"), D.CUSTOMER_SERVICE, _("回访受影响业主，形成报告"), []),
        ],
    },
}
