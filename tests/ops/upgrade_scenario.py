"""Run by an EARLIER release's code (a `git archive` of it on PYTHONPATH), never imported by the
tests: migrate a database to that release's schema, seat the scenario's people, deploy its
bundled models and leave two incidents mid-flight — one waiting on its first report, one in the
response with two parallel tasks and their deadline timer pending. Prints their ids as JSON.

Uses only what every release since the first migration has: tests.scenario.Scenario and the
engine's Database and migrate."""

import json
import sys

from engine.db import Database
from tests.scenario import Scenario

try:
    from engine.db import migrate
except ImportError:  # the earliest releases kept it beside the package
    from engine import migrate  # type: ignore[no-redef]

db = Database(sys.argv[1])
migrate.upgrade(db.engine)
scenario = Scenario(db)
waiting = scenario.start(title="Waiting for its report")
responding = scenario.start(title="Responding")
for element in ("record_report", "report_to_district", "activate_response"):
    scenario.complete(responding, element)
db.dispose()
print(json.dumps([waiting, responding]))
