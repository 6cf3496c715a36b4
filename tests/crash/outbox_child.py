"""A zygote for the outbox crash test: `python -m tests.crash.outbox_child DB BASE_URL`.

It imports the cockpit once, says READY, then for every `run` line on stdin forks a child that does exactly
what one `cockpit send-due` run does (reconcile, then send what is due; `cockpit.commands.send_due.one_pass`)
against the X sandbox at BASE_URL, and answers `PID <pid>`, then `EXIT <pid> <status>` once the child is gone
and reaped (the test kills it with SIGKILL at the point it chose). Forking from an imported, single-threaded
zygote makes a restart cost milliseconds instead of a second of imports, so the test can afford 50+ kills.
`quit` ends it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import traceback
from pathlib import Path

from cockpit.commands.send_due import one_pass
from connectors.sandbox.x import SANDBOX_TOKEN
from tests.services.outbox_fixtures import ACCOUNT, XAccount


def child(db: Path, base_url: str) -> int:
    """One send-due pass; the exit status says whether it finished (0) or failed (3)."""
    try:
        account = XAccount(base_url=base_url, options={"timeout_seconds": 10.0, "retry_wait_seconds": 0})
        asyncio.run(one_pass(db, [account], {ACCOUNT: SANDBOX_TOKEN}, None))
    except BaseException:
        traceback.print_exc(file=sys.stderr)
        return 3
    return 0


def main(db: Path, base_url: str) -> None:
    """Serve `run` requests until `quit` or the end of stdin."""
    print("READY", flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command != "run":
            continue
        pid = os.fork()
        if pid == 0:
            sys.stdin.close()
            os._exit(child(db, base_url))
        print(f"PID {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"EXIT {pid} {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
