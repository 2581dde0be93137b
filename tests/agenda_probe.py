"""A duty kind of the tests' own (one duty per anniversary), and a script that runs the daily
run with it in another process: ``python -m tests.agenda_probe 2023-03-15 60 [slow]``.

Used by tests/test_agenda_run.py (in-process) and tests/test_agenda_processes.py (two
processes at once, a process killed halfway) on PostgreSQL.
"""

import json
import sys
import time

from agenda import registry
from core.dates import anniversaries_in

KIND = "test_anniversary"


class Probe:
    def __init__(self, slow: float = 0.0):
        self.created: list[int] = []
        self.fail_for: set[str] = set()
        self.interrupt_after: int | None = None
        self.slow = slow

    def produce(self, case, start, end):
        if case.reference in self.fail_for:
            raise ValueError(f"données incohérentes ({case.reference})")
        if self.slow:
            time.sleep(self.slow)
        for k, when in anniversaries_in(case.admissibility_date, start, end):
            if case.closure_date and when > case.closure_date:
                continue
            yield registry.DutySpec(kind=KIND, due_date=when, data={"k": k})

    def on_created(self, duty):
        self.created.append(duty.pk)
        if self.interrupt_after is not None and len(self.created) >= self.interrupt_after:
            raise KeyboardInterrupt  # the process is killed: nothing catches it

    def settled(self, duties):
        return {d.pk: d.due_date for d in duties if d.data.get("k") == 1}

    def kind(self) -> registry.DutyKind:
        return registry.DutyKind(
            code=KIND,
            label="test",
            produce=self.produce,
            on_created=self.on_created,
            settled=self.settled,
        )


def main(argv: list[str]) -> None:
    import django

    django.setup()
    from datetime import date

    from agenda.services import daily_run

    run_date, catch_up = date.fromisoformat(argv[0]), int(argv[1])
    slow = float(argv[2]) if len(argv) > 2 else 0.0
    registry.register_duty_kind(Probe(slow=slow).kind())
    print("started", flush=True)
    result = daily_run(run_date=run_date, catch_up_days=catch_up)
    print(json.dumps(result.as_json()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
