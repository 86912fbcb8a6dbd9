"""Views across incidents and of one: the dashboard, the metrics gauges, the drawn diagram."""
