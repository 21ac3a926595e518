"""应急处理 (manual ch.7): the emergency organisation and its three groups, incidents with levels
Ⅰ–Ⅳ that page the right people at once, response plans whose steps an incident runs in the
manual's order, emergency supplies and drills; elevator entrapment against its clocks (with the
lift's equipment fault of ``wuye.facilities``), planned and sudden water and power outages, and
public-health events with closures, the close-contact register and supply deliveries.

Built on the field-work layer and the engine; ``wuye.security`` asks ``selectors.closures``
whether a unit is closed before it lets a visitor in (the security app imports this one, never
the other way round).
"""
