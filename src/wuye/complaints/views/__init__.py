"""Complaint pages, one module per audience: the desk and the departments (list, intake, the
complaint's page, the ledger), the resident portal, and the weekly analysis."""
