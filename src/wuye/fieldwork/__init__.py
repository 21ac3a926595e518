"""现场作业 — the field-work layer that chapters 4–7 share (DESIGN.md, "Field work").

Checklists (检查表) of yes/no checks, readings with a normal range, photos and notes; planned work
(计划任务) with its subject, checklist, photos and signature, recurring from the calendar or from
the last completion; rounds (巡检/巡更) over QR checkpoints; shift handovers (交接班) signed by both
sides; certificates and qualifications (证书/资质) that block unqualified assignment; and the
authenticated intake of device events (设备事件/告警) from monitoring systems.

It sits between the chapter apps and the engine: facilities, security, environment and
emergencies build on it; it knows none of them (they register their follow-ups and alarm
handlers with it).
"""
