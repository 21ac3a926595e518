"""Repairs pages, one module per audience: the desk (客服/工程主管), the technician's phone, the
resident portal, the acceptance PDF and the KPIs. Views stay thin: services do every write."""
