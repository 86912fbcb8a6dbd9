"""The response as an emergency office runs it: information reports owed upward (信息报告), and
what the response did in numbers."""

from engine.response.counts import response_counts
from engine.response.reports import ReportEntry, report_register

__all__ = ["ReportEntry", "report_register", "response_counts"]
