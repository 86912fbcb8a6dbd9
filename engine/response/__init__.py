"""The response as an emergency office runs it: information reports owed upward (信息报告)."""

from engine.response.reports import ReportEntry, report_register

__all__ = ["ReportEntry", "report_register"]
