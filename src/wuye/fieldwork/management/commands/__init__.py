"""``wuye simulate_alarms``: the demo's monitoring systems."""
