"""Learning from what was done: on-scene decisions and their fault-tolerance record (decisions),
and the after-action report (reports)."""
