"""Manager reports computed from the local store (no Qt): tables ready for charts and export."""

from fieldcrm.reports.compute import REPORTS, ReportFilter, ReportTable, compute_report

__all__ = ["REPORTS", "ReportFilter", "ReportTable", "compute_report"]
