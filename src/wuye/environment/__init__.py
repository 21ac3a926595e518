"""环境管理 (manual ch.5): cleaning zones with named cleaners, the cleaning plan with the manual's
frequencies, daily patrols and weekly spot checks, rectification that adjusts the plan; green
areas with their landscape positioning, the seasonal greening plan, weekly greening inspection,
pest control (biological first) and the store of cleaning products, pesticides and fertilisers.

Built on the field-work layer (``wuye.fieldwork``): each line of a cleaning or greening plan is
its planned work (a schedule with a ``TaskSpec`` on the zone or green area), done on the phone
with photos through its task records; inspection forms are its checklists; gardeners'
certificates and training are its certificates; a weather station reports rain and heat through
its device intake.
"""
