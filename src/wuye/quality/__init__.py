"""品质管理 (manual ch.9 and ch.1): the proof that the service keeps the manual."""
