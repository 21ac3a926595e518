"""API parity: what a page does, a client of the API (a WeChat mini-program, a company's ERP) can
do too. Read off the OpenAPI the API serves, not off the code:

- every action a person takes in a declared process has an endpoint that names it (a route's
  ``{action}`` documents its actions, or a route ends in the action's own name);
- every page of the UI is listed below with the operation that reads or does the same thing, or
  with the reason it has none (a login form, a printable sheet); a new page fails this test
  until its line is added, and every operation named here must exist.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from wuye.workflow.engine import SYSTEM, Process

NO_API = "none"

# page (URL name) → "METHOD /path" of the API (under /api/v1), or (NO_API, why).
PAGES: dict[str, str | tuple[str, str]] = {
    # The shell and sign-in: a client signs in with a token instead.
    "healthz": (NO_API, "the health check is itself for machines"),
    "set_language": (NO_API, "the UI's language; the API answers in the Accept-Language"),
    "login": "POST /auth/token",
    "logout": "POST /auth/tokens/{token_id}/revoke",
    "password_change": (NO_API, "a password is changed by its owner on the page only"),
    "password_change_done": (NO_API, "the page after changing a password"),
    "web:home": "GET /me/queue",
    "web:search": "GET /search",
    "web:estate_switch": (NO_API, "the page's current estate; API lists take ?estate="),
    # Estates, rooms, residents, staff (core)
    "core:estate_overview": "GET /estates/{estate_id}",
    "core:room_list": "GET /rooms",
    "core:room_export": "GET /rooms/export.xlsx",
    "core:room_create": "POST /rooms",
    "core:room_detail": "GET /rooms/{room_id}",
    "core:resident_list": "GET /residents",
    "core:resident_export": "GET /residents/export.xlsx",
    "core:resident_detail": "GET /residents/{resident_id}",
    "core:staff_list": "GET /staff",
    "core:contractor_list": "GET /contractors",
    "core:roster": "POST /roster/import",
    "core:roster_template": "GET /roster/template.xlsx",
    "core:roster_export": "GET /roster/export.xlsx",
    "core:api_tokens": "GET /auth/tokens",
    "core:api_token_revoke": "POST /auth/tokens/{token_id}/revoke",
    "core:api_token_revoke_all": "POST /auth/tokens/revoke-all",
    # The engine
    "workflow:case_detail": "GET /cases/{case_id}",
    "workflow:case_timeline": "GET /cases/{case_id}",
    "workflow:case_action": "POST /cases/{case_id}/{action}",
    "workflow:attachment": (NO_API, "a file's own address, given as `url` in every attachment"),
    "workflow:holidays": "GET /holidays",
    # Messages and the notice board
    "notify:inbox": "GET /inbox",
    "notify:inbox_read": "POST /inbox/read",
    "notify:inbox_open": "GET /inbox/{message_id}",
    "notify:notice_list": "GET /notices",
    "notify:notice_create": "POST /notices",
    "notify:notice_detail": "GET /notices/{notice_id}",
    "notify:notice_withdraw": "POST /notices/{notice_id}/withdraw",
    "notify:notice_print": (NO_API, "the browser's print view of a notice in GET /notices/{id}"),
    # Repairs
    "repairs:list": "GET /repairs",
    "repairs:export": "GET /repairs/export.xlsx",
    "repairs:create": "POST /repairs",
    "repairs:suggest": "GET /repairs/suggestions",
    "repairs:room_lookup": "GET /rooms",
    "repairs:prices": "GET /repairs/prices",
    "repairs:price_edit": "PUT /repairs/prices/{item_id}",
    "repairs:detail": "GET /repairs/{order_id}",
    "repairs:dispatch_auto": "POST /repairs/{order_id}/dispatch_auto",
    "repairs:act": "POST /repairs/{order_id}/{action}",
    "repairs:tech_home": "GET /repairs",
    "repairs:tech_detail": "GET /repairs/{order_id}",
    "repairs:my_list": "GET /repairs",
    "repairs:my_new": "POST /repairs",
    "repairs:my_detail": "GET /repairs/{order_id}",
    "repairs:my_act": "POST /repairs/{order_id}/{action}",
    "repairs:qr_report": "POST /repairs",
    "repairs:qr_sheet": (NO_API, "a printable sheet of QR codes that lead to the report page"),
    "repairs:acceptance_pdf": "GET /repairs/{order_id}/acceptance.pdf",
    "repairs:kpis": "GET /repairs/kpis",
    # Complaints
    "complaints:list": "GET /complaints",
    "complaints:export": "GET /complaints/export.xlsx",
    "complaints:create": "POST /complaints",
    "complaints:room_lookup": "GET /rooms",
    "complaints:ledger": "GET /complaints/ledger",
    "complaints:ledger_export": "GET /complaints/ledger.xlsx",
    "complaints:detail": "GET /complaints/{complaint_id}",
    "complaints:act": "POST /complaints/{complaint_id}/{action}",
    "complaints:my_list": "GET /complaints",
    "complaints:my_new": "POST /complaints",
    "complaints:my_detail": "GET /complaints/{complaint_id}",
    "complaints:my_act": "POST /complaints/{complaint_id}/{action}",
    "complaints:analysis": "GET /complaints/analysis",
    "complaints:analysis_export": "GET /complaints/analysis.xlsx",
    "complaints:analysis_measures": "POST /complaints/analysis/measures",
    # Fees (billing)
    "billing:gateway_callback": (
        NO_API,
        "the payment gateway's signed callback: itself for machines",
    ),
    "billing:rooms": "GET /billing/estates/{estate_id}/rooms",
    "billing:room_ledger": "GET /billing/rooms/{room_id}/ledger",
    "billing:my_bills": "GET /billing/rooms/{room_id}/bills",
    "billing:my_pay": "POST /billing/rooms/{room_id}/orders",
    "billing:simulate_pay": (NO_API, "the simulated gateway's own payment page (demo and tests)"),
    "billing:charges": "GET /billing/estates/{estate_id}/charge-items",
    "billing:charge_item_add": "POST /billing/estates/{estate_id}/charge-items",
    "billing:charge_item_toggle": "PATCH /billing/charge-items/{item_id}",
    "billing:rate_add": "POST /billing/charge-items/{item_id}/rates",
    "billing:runs": "GET /billing/estates/{estate_id}/runs",
    "billing:run_new": "POST /billing/estates/{estate_id}/runs",
    "billing:run_detail": "GET /billing/runs/{run_id}",
    "billing:run_status": "GET /billing/runs/{run_id}/status",
    "billing:metered_bills": "POST /billing/estates/{estate_id}/metered-bills",
    "billing:receipt_pdf": "GET /billing/payments/{payment_id}/receipt.pdf",
    "billing:payment_invoice": "POST /billing/payments/{payment_id}/invoice",
    "billing:my_invoice": "GET /billing/payments/{payment_id}/invoice",
    "billing:invoices": "GET /billing/estates/{estate_id}/invoices",
    "billing:invoices_export": "GET /billing/estates/{estate_id}/invoices.xlsx",
    "billing:meters": "GET /billing/estates/{estate_id}/meters",
    "billing:meter_new": "POST /billing/estates/{estate_id}/meters",
    "billing:meter_edit": "PATCH /billing/meters/{meter_id}",
    "billing:meter_readings": "POST /billing/meters/{meter_id}/readings",
    "billing:meter_reading_template": "GET /billing/estates/{estate_id}/readings/template.xlsx",
    "billing:meter_reading_import": "POST /billing/estates/{estate_id}/readings/import",
    "billing:disclosures": "GET /billing/estates/{estate_id}/disclosures",
    "billing:disclosure": "GET /billing/disclosures/{disclosure_id}",
    "billing:disclosure_recompute": "POST /billing/disclosures/{disclosure_id}/recompute",
    "billing:disclosure_update": "PATCH /billing/disclosures/{disclosure_id}",
    "billing:disclosure_line_add": "POST /billing/disclosures/{disclosure_id}/lines",
    "billing:disclosure_line_remove": "DELETE /billing/disclosures/{disclosure_id}/lines/{line_id}",
    "billing:disclosure_publish": "POST /billing/disclosures/{disclosure_id}/publish",
    "billing:disclosure_shares_xlsx": "GET /billing/disclosures/{disclosure_id}/shares.xlsx",
    "billing:my_disclosures": "GET /billing/my/disclosures",
    "billing:my_disclosure": "GET /billing/my/disclosures/{disclosure_id}",
    "billing:notice_letters": "GET /billing/estates/{estate_id}/notice-letters",
    "billing:notice_letter_delivered": "POST /billing/rooms/{room_id}/notice-letters",
    "billing:adjustment_new": "POST /billing/bills/{bill_id}/adjustments",
    "billing:adjustments": "GET /billing/estates/{estate_id}/adjustments",
    "billing:adjustment_decide": "POST /billing/adjustments/{adjustment_id}/decision",
    "billing:one_off_new": "POST /billing/rooms/{room_id}/one-off-bills",
    "billing:refund_new": "POST /billing/rooms/{room_id}/refunds",
    "billing:refund_decide": "POST /billing/refunds/{refund_id}/decision",
    "billing:closing": "POST /billing/estates/{estate_id}/closings",
    "billing:closings": "GET /billing/estates/{estate_id}/closings",
    "billing:parking": "POST /billing/estates/{estate_id}/parking-rules",
    "billing:arrears": "GET /billing/estates/{estate_id}/arrears",
    "billing:arrears_export": "GET /billing/estates/{estate_id}/debtors.xlsx",
    "billing:collection_room": "GET /billing/rooms/{room_id}/collection",
    "billing:owner_phone": "POST /billing/rooms/{room_id}/owners/{resident_id}/phone",
    "billing:dunning_notices_pdf": "GET /billing/estates/{estate_id}/reminders.pdf",
    "billing:dunning_notice_pdf": "GET /billing/reminders/{reminder_id}.pdf",
    "billing:lawyer_letters": "GET /billing/estates/{estate_id}/lawyer-letters",
    "billing:lawyer_letter_decide": "POST /billing/lawyer-letters/{letter_id}/decision",
    "billing:lawyer_letter_sent": "POST /billing/lawyer-letters/{letter_id}/sent",
    "billing:lawyer_letter_pdf": "GET /billing/lawyer-letters/{letter_id}.pdf",
    "billing:settings": "PUT /billing/estates/{estate_id}/settings",
    "billing:fee_report": "GET /billing/estates/{estate_id}/reports/collection",
    "billing:fee_income": "GET /billing/estates/{estate_id}/reports/income",
    "billing:fee_company": "GET /billing/reports/company",
    # Pre-intervention (handover)
    "handover:project_list": "GET /handover/projects",
    "handover:project_create": "POST /handover/projects",
    "handover:project_detail": "GET /handover/projects/{project_id}",
    "handover:project_start": "POST /handover/projects/{project_id}/start",
    "handover:project_act": "POST /handover/projects/{project_id}/start_design_review",
    "handover:agreement": "PUT /handover/projects/{project_id}/agreement",
    "handover:premises": "PATCH /handover/projects/{project_id}/premises",
    "handover:team_add": "POST /handover/projects/{project_id}/team",
    "handover:team_remove": "DELETE /handover/projects/{project_id}/team/{member_id}",
    "handover:suggestion_list": "GET /handover/projects/{project_id}/suggestions",
    "handover:suggestion_export": "GET /handover/projects/{project_id}/suggestions.xlsx",
    "handover:suggestion_create": "POST /handover/projects/{project_id}/suggestions",
    "handover:suggestion_detail": "GET /handover/projects/{project_id}/suggestions/{suggestion_id}",
    "handover:suggestion_letter": (
        "GET /handover/projects/{project_id}/suggestions/{suggestion_id}/letter.pdf"
    ),
    "handover:inspection_list": "GET /handover/projects/{project_id}/inspections",
    "handover:inspection_create": "POST /handover/projects/{project_id}/inspections",
    "handover:inspection_interval": "PUT /handover/projects/{project_id}/inspections/interval",
    "handover:concealed_gallery": "GET /handover/projects/{project_id}/inspections/photos",
    "handover:meeting_list": "GET /handover/projects/{project_id}/meetings",
    "handover:meeting_create": "POST /handover/projects/{project_id}/meetings",
    "handover:report_pdf": "GET /handover/projects/{project_id}/report.pdf",
    # Takeover (handover)
    "handover:takeover_list": "GET /handover/takeover-plans",
    "handover:takeover_project_new": "POST /handover/estates/{estate_id}/takeover-project",
    "handover:takeover_new": "POST /handover/estates/{estate_id}/takeover-plans",
    "handover:takeover_detail": "GET /handover/takeover-plans/{plan_id}",
    "handover:takeover_act": "POST /handover/takeover-plans/{plan_id}/{action}",
    "handover:takeover_item_add": "POST /handover/takeover-plans/{plan_id}/items",
    "handover:takeover_item_remove": "DELETE /handover/takeover-items/{item_id}",
    "handover:takeover_checklist": "GET /handover/takeover-plans/{plan_id}/items",
    "handover:takeover_item": "POST /handover/takeover-items/{item_id}/check",
    "handover:takeover_notice_issue": (
        "POST /handover/takeover-plans/{plan_id}/rectification-notices"
    ),
    "handover:takeover_notice_pdf": "GET /handover/rectification-notices/{notice_id}.pdf",
    "handover:takeover_confirm": "POST /handover/takeover-plans/{plan_id}/confirm",
    "handover:takeover_confirmation_pdf": "GET /handover/takeover-plans/{plan_id}/confirmation.pdf",
    "handover:takeover_document_add": "POST /handover/takeover-plans/{plan_id}/documents",
    "handover:takeover_documents_pdf": "GET /handover/takeover-plans/{plan_id}/documents.pdf",
    "handover:takeover_defects_export": "GET /handover/takeover-plans/{plan_id}/defects.xlsx",
    "handover:takeover_defect": "GET /handover/defects/{defect_id}",
    "handover:takeover_defect_act": "POST /handover/defects/{defect_id}/{action}",
    # Move-in (residents)
    "residents:dashboard": "GET /movein/dashboard",
    "residents:batches": "GET /movein/batches",
    "residents:batch_new": "POST /movein/batches",
    "residents:batch": "GET /movein/batches/{batch_id}",
    "residents:batch_notify": "POST /movein/batches/{batch_id}/notify",
    "residents:batch_letters": "GET /movein/batches/{batch_id}/letters",
    "residents:desk": "GET /movein/move-ins",
    "residents:move_in": "GET /movein/move-ins/{move_in_id}",
    "residents:move_in_fees": "POST /movein/move-ins/{move_in_id}/fees",
    "residents:move_in_invoice": "POST /movein/move-ins/{move_in_id}/invoice",
    "residents:application_pdf": "GET /movein/move-ins/{move_in_id}/application.pdf",
    "residents:inspection_pdf": "GET /movein/move-ins/{move_in_id}/inspection.pdf",
    "residents:act": "POST /movein/move-ins/{move_in_id}/{action}",
    "residents:defects": "GET /movein/defects",
    "residents:needs": "GET /movein/needs",
    # Field work: checklists, task records and their follow-ups
    "fieldwork:checklist_list": "GET /fieldwork/checklists",
    "fieldwork:checklist_create": "POST /fieldwork/checklists",
    "fieldwork:checklist_detail": "GET /fieldwork/checklists/{checklist_id}",
    "fieldwork:checklist_item_add": "POST /fieldwork/checklists/{checklist_id}/items",
    "fieldwork:checklist_active": "POST /fieldwork/checklists/{checklist_id}/deactivate",
    "fieldwork:checklist_copy": "POST /fieldwork/checklists/{checklist_id}/copy",
    "fieldwork:checklist_item_edit": "PATCH /fieldwork/checklist-items/{item_id}",
    "fieldwork:checklist_item_remove": "DELETE /fieldwork/checklist-items/{item_id}",
    "fieldwork:checklist_item_move": "POST /fieldwork/checklists/{checklist_id}/reorder",
    "fieldwork:task_fill": "POST /fieldwork/tasks/{task_id}/complete",
    "fieldwork:record_list": "GET /fieldwork/records",
    "fieldwork:record_detail": "GET /fieldwork/records/{record_id}",
    "fieldwork:record_pdf": "GET /fieldwork/records/{record_id}/record.pdf",
    "fieldwork:record_followup": (
        "POST /fieldwork/records/{record_id}/answers/{answer_id}/followup"
    ),
    # Equipment faults (facilities)
    "facilities:board": "GET /facilities/board",
    "facilities:fault_list": "GET /facilities/faults",
    "facilities:fault_create": "POST /facilities/faults",
    "facilities:fault_detail": "GET /facilities/faults/{fault_id}",
    "facilities:fault_act": "POST /facilities/faults/{fault_id}/{action}",
    "facilities:fault_report": "POST /facilities/faults/{fault_id}/write_report",
    "facilities:fault_report_pdf": "GET /facilities/faults/{fault_id}/report.pdf",
    # Guards: patrols, obstructions, incidents (security)
    "security:patrol_report": "POST /security/patrol-anomalies",
    "security:patrol_report_done": "GET /security/patrol-anomalies",
    "security:patrol_setup": "POST /security/patrol-routes/setup",
    "security:conduct_check": "POST /security/shifts/{shift_id}/conduct-check",
    "security:obstruction_list": "GET /security/obstructions",
    "security:obstruction_detail": "GET /security/obstructions/{obstruction_id}",
    "security:obstruction_act": "POST /security/obstructions/{obstruction_id}/{action}",
    "security:incident_list": "GET /security/incidents",
    "security:incident_detail": "GET /security/incidents/{incident_id}",
    "security:incident_act": "POST /security/incidents/{incident_id}/{action}",
    # Rounds (field work)
    "fieldwork:round_scan": "POST /rounds/scans",
    "fieldwork:round_scan_code": "POST /rounds/scans",
    "fieldwork:round_mine": "GET /rounds/mine",
    "fieldwork:round_detail": "GET /rounds/{task_id}",
    "fieldwork:round_report": "GET /rounds/report",
    "fieldwork:round_report_export": "GET /rounds/report.xlsx",
    "fieldwork:route_list": "GET /rounds/routes",
    "fieldwork:route_create": "POST /rounds/routes",
    "fieldwork:route_detail": "GET /rounds/routes/{route_id}",
    "fieldwork:route_edit": "PUT /rounds/routes/{route_id}",
    "fieldwork:route_labels": "GET /rounds/routes/{route_id}/labels.pdf",
    "fieldwork:checkpoint_create": "POST /rounds/routes/{route_id}/checkpoints",
    "fieldwork:checkpoint_edit": "PUT /rounds/checkpoints/{checkpoint_id}",
    "fieldwork:checkpoint_move": "POST /rounds/routes/{route_id}/reorder",
    "fieldwork:checkpoint_regenerate": "POST /rounds/checkpoints/{checkpoint_id}/regenerate",
    "fieldwork:checkpoint_label": "GET /rounds/checkpoints/{checkpoint_id}/label.pdf",
    # Field work: shifts and handover (交接班)
    "fieldwork:my_shifts": "GET /shifts/mine",
    "fieldwork:shift_start": "POST /shifts/{shift_id}/start",
    "fieldwork:handover_open": "POST /shifts/{shift_id}/handover",
    "fieldwork:handover_detail": "GET /handovers/{handover_id}",
    "fieldwork:handover_form": "POST /handovers/{handover_id}/sign-outgoing",
    "fieldwork:handover_accept": "POST /handovers/{handover_id}/sign-incoming",
    "fieldwork:handover_refuse": "POST /handovers/{handover_id}/refuse",
    "fieldwork:handover_pdf": "GET /handovers/{handover_id}/record.pdf",
    "fieldwork:duty_posts": "GET /duty-posts",
    "fieldwork:duty_roster": "GET /shifts",
    "fieldwork:shift_new": "POST /duty-posts/{post_id}/shifts",
    "fieldwork:handover_history": "GET /handovers",
    # Monitoring intake (field work): alarms and the devices that post them
    "fieldwork:device_event_list": "GET /device-events",
    "fieldwork:device_event_detail": "GET /device-events/{event_id}",
    "fieldwork:device_event_acknowledge": "POST /device-events/{event_id}/acknowledge",
    "fieldwork:device_event_clear": "POST /device-events/{event_id}/clear",
    "fieldwork:device_list": "GET /devices",
    "fieldwork:device_create": "POST /devices",
    "fieldwork:device_detail": "GET /devices/{device_id}",
    "fieldwork:device_rotate": "POST /devices/{device_id}/rotate-secret",
    "fieldwork:device_disable": "POST /devices/{device_id}/disable",
    "fieldwork:device_enable": "POST /devices/{device_id}/enable",
    # Facilities: the equipment register, operation logs and anomalies (EQUIP-OPS)
    "facilities:equipment_list": "GET /equipment",
    "facilities:equipment_export": "GET /equipment/export.xlsx",
    "facilities:equipment_labels": "GET /equipment/labels.pdf",
    "facilities:equipment_create": "POST /equipment",
    "facilities:equipment_detail": "GET /equipment/{equipment_id}",
    "facilities:equipment_edit": "PATCH /equipment/{equipment_id}",
    "facilities:equipment_qr_regenerate": "POST /equipment/{equipment_id}/qr-regenerate",
    "facilities:equipment_qr": "GET /equipment/qr/{token}",
    "facilities:log_form": "POST /equipment/{equipment_id}/logs",
    "facilities:log_day": "GET /operation-logs",
    "facilities:log_sheet": "GET /operation-logs/sheet.pdf",
    "facilities:parameter_list": "POST /operation-parameters",
    "facilities:anomaly_list": "GET /anomalies",
    "facilities:anomaly_detail": "GET /anomalies/{anomaly_id}",
    "facilities:anomaly_act": "POST /anomalies/{anomaly_id}/{action}",
    "facilities:anomaly_report": "POST /anomalies",
    "facilities:maintenance_plan_list": "GET /facilities/maintenance-plans",
    "facilities:maintenance_plan_new": "POST /facilities/maintenance-plans",
    "facilities:maintenance_plan_detail": "GET /facilities/maintenance-plans/{plan_id}",
    "facilities:maintenance_plan_edit": "POST /facilities/maintenance-plans/{plan_id}/revise",
    "facilities:maintenance_plan_act": "POST /facilities/maintenance-plans/{plan_id}/approve",
    "facilities:maintenance_verify": (
        "POST /facilities/maintenance-records/{record_id}/verification"
    ),
    "facilities:maintenance_review": "GET /facilities/maintenance-reviews",
    # Planned work and certificates (fieldwork: plans)
    "fieldwork:my_tasks": "GET /planned-tasks/mine",
    "fieldwork:task_board": "GET /planned-tasks",
    # Security: vehicles, the gate and parking (VEHICLE-*)
    "security:gate_console": "POST /gate-events/manual",
    "security:stay_list": "GET /parking-stays",
    "security:stay_detail": "GET /parking-stays/{stay_id}",
    "security:stay_pay": "POST /parking-stays/{stay_id}/pay",
    "security:stay_resolve": "POST /parking-stays/{stay_id}/resolve",
    "security:vehicle_list": "GET /vehicles",
    "security:vehicle_export": "GET /vehicles/export.xlsx",
    "security:vehicle_create": "POST /vehicles",
    "security:vehicle_detail": "GET /vehicles/{vehicle_id}",
    "security:vehicle_edit": "PATCH /vehicles/{vehicle_id}",
    "security:vehicle_pass_create": "POST /vehicles/{vehicle_id}/passes",
    "security:parking_areas": "GET /parking-areas",
    # Fires, drills and fire-prevention publicity (security: fire events)
    "security:fire_list": "GET /security/fires",
    "security:fire_report": "POST /security/fires",
    "security:fire_export": "GET /security/fires/export.xlsx",
    "security:drill_export": "GET /security/drills/export.xlsx",
    "security:fire_detail": "GET /security/fires/{fire_id}",
    "security:fire_act": "POST /security/fires/{fire_id}/{action}",
    "security:drill_list": "GET /security/drills/summary",
    "security:drill_plan": "POST /security/drills",
    "security:drill_detail": "GET /security/drills/{drill_id}",
    "security:drill_act": "POST /security/drills/{drill_id}/{action}",
    "security:publicity_plan": "GET /security/publicity",
    "security:publicity_create": "POST /security/publicity",
    "security:publicity_seed": "POST /security/publicity/plan",
    "security:publicity_publish": "POST /security/publicity/{topic_id}/publish",
    # Security: fire facilities and their checks (FIRE)
    "security:fire_facility_list": "GET /fire/facilities",
    "security:fire_facility_export": "GET /fire/facilities/export.xlsx",
    "security:fire_facility_labels": "GET /fire/facilities/labels.pdf",
    "security:fire_facility_create": "POST /fire/facilities",
    "security:fire_facility_detail": "GET /fire/facilities/{facility_id}",
    "security:fire_facility_edit": "PATCH /fire/facilities/{facility_id}",
    "security:fire_checks_setup": "POST /fire/checks/setup",
    "security:fire_check_progress": "GET /fire/checks/progress",
    "security:fire_check": "POST /fire/facilities/{facility_id}/check",
    "security:fire_check_scan": "GET /fire/facilities/qr/{token}",
    "security:fire_replacement_list": "GET /fire/replacements",
    "security:fire_replacement_detail": "POST /fire/replacements/{replacement_id}/replace",
    "fieldwork:task_export": "GET /planned-tasks/export.xlsx",
    "fieldwork:task_calendar": "GET /planned-tasks/calendar",
    "fieldwork:plan_list": "GET /plans",
    "fieldwork:plan_create": "POST /plans",
    "fieldwork:plan_detail": "GET /plans/{plan_id}",
    "fieldwork:plan_edit": "PATCH /plans/{plan_id}",
    "fieldwork:plan_deactivate": "POST /plans/{plan_id}/deactivate",
    "fieldwork:certificate_list": "GET /certificates",
    "fieldwork:certificate_create": "POST /certificates",
    "fieldwork:certificate_detail": "PATCH /certificates/{certificate_id}",
    "fieldwork:certificate_revoke": "POST /certificates/{certificate_id}/revoke",
    # Security: visitors, temporary passes, parcels, decoration permits (GUARD-06/10/13)
    "security:visitor_list": "GET /security/visitors",
    "security:visitor_register": "POST /security/visitors",
    "security:visitor_export": "GET /security/visitors/export.xlsx",
    "security:visitor_leave": "POST /security/visitors/{visitor_id}/leave",
    "security:visitor_settings": "PUT /security/visitor-settings",
    "security:pass_list": "GET /security/passes",
    "security:pass_new": "POST /security/passes",
    "security:pass_scan": "POST /security/passes/scan",
    "security:pass_detail": "GET /security/passes/{pass_id}",
    "security:pass_revoke": "POST /security/passes/{pass_id}/revoke",
    "security:my_passes": "GET /security/passes",
    "security:my_pass_new": "POST /security/passes",
    "security:my_pass_detail": "GET /security/passes/{pass_id}",
    "security:parcel_list": "GET /security/parcels",
    "security:parcel_receive": "POST /security/parcels",
    "security:parcel_pick_up": "POST /security/parcels/{parcel_id}/pick-up",
    "security:decoration_list": "GET /security/decoration-permits",
    "security:decoration_new": "POST /security/decoration-permits",
    "security:decoration_detail": "GET /security/decoration-permits/{permit_id}",
    "security:decoration_close": "POST /security/decoration-permits/{permit_id}/close",
    # --- Environment: cleaning (h-clean) ---
    "environment:my_today": "GET /environment/my-tasks",
    "environment:zone_scan": "GET /environment/my-tasks",
    "environment:my_task_do": "POST /environment/my-tasks/{task_id}/complete",
    "environment:protection_check": "POST /environment/protection-checks",
    # h-zones: the zone map, its forms and labels, the settings, the weather records.
    "environment:zone_list": "GET /environment/zones",
    "environment:zone_labels": "GET /environment/zones/labels.pdf",
    "environment:zone_create": "POST /environment/zones",
    "environment:zones_build": "POST /environment/zones/build",
    "environment:zone_detail": "GET /environment/zones/{zone_id}",
    "environment:zone_edit": "PATCH /environment/zones/{zone_id}",
    "environment:zone_deactivate": "POST /environment/zones/{zone_id}/deactivate",
    "environment:settings": "PATCH /environment/profiles/{estate_id}",
    "environment:weather_list": "GET /environment/weather",
    "environment:cleaning_plan": "GET /environment/cleaning-plan",
    "environment:cleaning_plan_seed": "POST /environment/cleaning-plan/seed",
    "environment:cleaning_plan_export": "GET /environment/cleaning-plan/export.xlsx",
    "environment:cleaning_revisions": "GET /environment/cleaning-plan/revisions",
    "environment:cleaning_line_edit": "PATCH /environment/cleaning-plan/{line_id}",
    "environment:cleaning_line_stop": "POST /environment/cleaning-plan/{line_id}/stop",
    "environment:cleaning_line_create": "POST /environment/cleaning-plan",
    # --- Environment: inspection and rectification (h-inspect) ---
    "environment:inspection_list": "GET /environment/inspections",
    "environment:inspection_export": "GET /environment/inspections/export.xlsx",
    "environment:inspection_new": "POST /environment/inspections",
    "environment:inspection_setup": "POST /environment/inspection-setup",
    "environment:inspection_detail": "GET /environment/inspections/{inspection_id}",
    "environment:inspection_round": "GET /environment/inspection-rounds/{which}",
    "environment:inspection_round_close": "POST /environment/inspection-rounds/{which}/close",
    "environment:spot_sample_draw": "POST /environment/spot-samples",
    "environment:rectification_list": "GET /environment/rectifications",
    "environment:my_rectifications": "GET /environment/rectifications",
    "environment:rectification_detail": "GET /environment/rectifications/{rectification_id}",
    "environment:rectification_cause": "PUT /environment/rectifications/{rectification_id}/cause",
    "environment:rectification_act": (
        "POST /environment/rectifications/{rectification_id}/{action}"
    ),
    # --- Environment: greening (h-green) ---
    "environment:green_landscape": "PUT /environment/landscape",
    "environment:green_area_list": "GET /environment/green-areas",
    "environment:green_area_export": "GET /environment/green-areas/export.xlsx",
    "environment:green_area_new": "POST /environment/green-areas",
    "environment:green_area_detail": "GET /environment/green-areas/{area_id}",
    "environment:green_area_edit": "PATCH /environment/green-areas/{area_id}",
    "environment:green_area_deactivate": "POST /environment/green-areas/{area_id}/deactivate",
    "environment:green_skills": "GET /environment/gardener-skills",
    "environment:green_training_new": "POST /environment/trainings",
    "environment:greening_plan": "GET /environment/greening-plan/lines",
    "environment:greening_plan_seed": "POST /environment/greening-plan/seed",
    "environment:greening_plan_export": "GET /environment/greening-plan/export.xlsx",
    "environment:greening_adjust": "POST /environment/greening-plan/adjustments",
    "environment:greening_revisions": "GET /environment/greening-plan/revisions",
    "environment:greening_line_edit": "PATCH /environment/greening-plan/lines/{line_id}",
    "environment:greening_line_stop": "POST /environment/greening-plan/lines/{line_id}/stop",
    "environment:greening_line_add": "POST /environment/greening-plan/lines",
    # --- Environment: store and pest control (h-store) ---
    "environment:store_list": "GET /environment/stores",
    "environment:store_create": "POST /environment/stores",
    "environment:store_detail": "GET /environment/stores/{store_id}",
    "environment:store_edit": "PATCH /environment/stores/{store_id}",
    "environment:store_check": "POST /environment/stores/{store_id}/checks",
    "environment:store_check_list": "GET /environment/store-checks",
    "environment:product_create": "POST /environment/products",
    "environment:product_list": "GET /environment/products",
    "environment:product_export": "GET /environment/products/export.xlsx",
    "environment:product_edit": "PATCH /environment/products/{product_id}",
    "environment:stock_in": "POST /environment/products/{product_id}/stock-in",
    "environment:stock_out": "POST /environment/products/{product_id}/stock-out",
    "environment:stock_adjust": "POST /environment/products/{product_id}/adjust",
    "environment:movement_list": "GET /environment/stock-movements",
    "environment:movement_export": "GET /environment/stock-movements/export.xlsx",
    "environment:treatment_list": "GET /environment/pest-treatments",
    "environment:treatment_export": "GET /environment/pest-treatments/export.xlsx",
    "environment:treatment_record": "POST /environment/pest-treatments",
    "environment:treatment_detail": "GET /environment/pest-treatments/{treatment_id}",
    # --- Environment: board (h-board) ---
    "environment:board": "GET /environment/board",
    "environment:board_tasks": "GET /environment/board/tasks",
    "environment:scores": "GET /environment/scores",
    "environment:scores_export": "GET /environment/scores/export.xlsx",
    # --- Emergency: incidents, groups, plans, supplies (h-incidents) ---
    "emergency:incident_list": "GET /emergency/incidents",
    "emergency:incident_export": "GET /emergency/incidents/export.xlsx",
    "emergency:incident_new": "POST /emergency/incidents",
    "emergency:incident_detail": "GET /emergency/incidents/{incident_id}",
    "emergency:incident_action": "POST /emergency/incidents/{incident_id}/{action}",
    "emergency:incident_report": "GET /emergency/incidents/{incident_id}/report.pdf",
    "emergency:group_list": "GET /emergency/groups",
    "emergency:group_member_add": "POST /emergency/groups/members",
    "emergency:group_member_toggle": "PATCH /emergency/groups/members/{member_id}",
    "emergency:group_member_remove": "POST /emergency/groups/members/{member_id}/remove",
    "emergency:plan_list": "GET /emergency/plans",
    "emergency:plan_adopt": "POST /emergency/plans",
    "emergency:plan_detail": "GET /emergency/plans/{plan_id}",
    "emergency:plan_step_save": "POST /emergency/plans/{plan_id}/steps",
    "emergency:plan_step_act": "POST /emergency/plans/{plan_id}/steps/{step_id}/move",
    "emergency:supply_list": "GET /emergency/supplies",
    "emergency:supply_create": "POST /emergency/supplies",
    "emergency:supply_settings": "PUT /emergency/supplies/settings",
    "emergency:supply_export": "GET /emergency/supplies/export.xlsx",
    "emergency:supply_check": "POST /emergency/supply-checks",
    "emergency:supply_movements": "GET /emergency/supply-movements",
    "emergency:supply_movement_export": "GET /emergency/supply-movements/export.xlsx",
    "emergency:supply_restock": "POST /emergency/supplies/{item_id}/restock",
    # --- Emergency: elevator entrapment (h-lift) ---
    "emergency:lift_list": "GET /emergency/entrapments",
    "emergency:lift_new": "POST /emergency/entrapments",
    "emergency:lift_detail": "GET /emergency/entrapments/{entrapment_id}",
    "emergency:lift_guard": "GET /emergency/entrapments/{entrapment_id}",
    "emergency:lift_contractor": "GET /emergency/entrapments/{entrapment_id}",
    "emergency:lift_act": "POST /emergency/entrapments/{entrapment_id}/{action}",
    # --- Emergency: outages (h-outage) ---
    "emergency:outage_list": "GET /emergency/outages",
    "emergency:outage_export": "GET /emergency/outages/export.xlsx",
    "emergency:outage_plan": "POST /emergency/outages/planned",
    "emergency:outage_report": "POST /emergency/outages/sudden",
    "emergency:outage_detail": "GET /emergency/outages/{outage_id}",
    "emergency:outage_task_done": "POST /emergency/outages/{outage_id}/tasks/{task_id}/done",
    "emergency:outage_act": "POST /emergency/outages/{outage_id}/{action}",
    # --- Emergency: public health (h-health) ---
    "emergency:health_list": "GET /emergency/health-events",
    "emergency:health_detail": "GET /emergency/health-events/{incident_id}",
    "emergency:health_act": "POST /emergency/health-events/{incident_id}/close_area",
    "emergency:health_ppe": "POST /emergency/ppe-checks",
    "emergency:health_deliveries": "GET /emergency/deliveries",
    "emergency:health_delivery_act": "POST /emergency/deliveries/{delivery_id}/take",
    "emergency:my_deliveries": "POST /emergency/deliveries",
    "emergency:my_delivery_act": "POST /emergency/deliveries/{delivery_id}/confirm",
    "emergency:health_contacts": (NO_API, "EMERG-HEALTH-08: the close-contact register has no API"),
    "emergency:health_contact_detail": (NO_API, "EMERG-HEALTH-08: the register's pages only"),
    "emergency:health_contacts_export": (NO_API, "EMERG-HEALTH-08: export logged, pages only"),
    # Quality (ch.9, ch.1): compliance with the manual, per rule
    "quality:compliance": "GET /quality/compliance",
    "quality:compliance_breaches": "GET /quality/compliance/breaches",
    "quality:compliance_export": "GET /quality/compliance.xlsx",
    "quality:company": "GET /quality/company",
}


@pytest.fixture(scope="module")
def operations(django_db_blocker) -> set[str]:
    from ninja.openapi.schema import get_schema

    from wuye.api import api

    api.mount_routers()
    with django_db_blocker.unblock():
        schema = get_schema(api, path_prefix="")
    found = set()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            found.add(f"{method.upper()} {path}")
            for param in op.get("parameters", []):
                if param["in"] == "path" and param["name"] == "action":
                    for name in param["schema"].get("enum", []):
                        found.add(f"{method.upper()} {path.replace('{action}', name)}")
    return found


def _page_names() -> list[str]:
    names: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("admin", "api"):
                    continue
                walk(pattern, prefix + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(prefix + pattern.name)

    walk(get_resolver(), "")
    return sorted(set(names))


def _declared_processes() -> list[Process]:
    """The processes the apps declare in their ``processes`` modules (not a test's own)."""
    found: dict[str, Process] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.processes")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, Process):
                found[value.code] = value
    return list(found.values())


def test_every_action_of_every_process_has_an_endpoint(operations):
    declared = _declared_processes()
    assert {p.code for p in declared} >= {"repair", "complaint", "takeover", "move_in"}
    missing = []
    for process in declared:
        for action in process.actions:
            if action.roles == frozenset({SYSTEM}):
                continue  # the scheduler's own step (an auto-close), taken by no one
            pattern = re.compile(rf"^POST /.*/({action.name}|{action.name.replace('_', '-')})$")
            if not any(pattern.match(op) for op in operations):
                missing.append(f"{process.code}.{action.name}")
    assert not missing, "actions without an endpoint: " + ", ".join(missing)


def test_every_page_is_listed_with_its_api():
    unlisted = [name for name in _page_names() if name not in PAGES]
    assert not unlisted, "pages to list in PAGES with their API operation: " + ", ".join(unlisted)


def test_every_listed_operation_exists(operations):
    missing = [
        f"{page} → {target}"
        for page, target in PAGES.items()
        if isinstance(target, str) and target not in operations
    ]
    assert not missing, "operations the API does not have:\n" + "\n".join(missing)


def test_a_page_without_an_api_says_why():
    for page, target in PAGES.items():
        if not isinstance(target, str):
            kind, why = target
            assert kind == NO_API and len(why) > 10, page
