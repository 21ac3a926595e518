"""秩序与消防 (manual ch.6): guards' posts, shifts and handover (三清), visitors and temporary
passes, parcels received at the gate, patrol rounds, fire facilities and their checks, fire
alarms and drills, vehicles, parking and gate events.

Built on the field-work layer (``wuye.fieldwork``): the guards' shifts and handovers are its
duty posts and shifts, patrols are its rounds over QR checkpoints, fire checks are its planned
work with checklists, camera and gate devices authenticate through its device credentials.
"""
