"""What the user reads: numbered steps with their durations, one-line failures that say what to
do, and the closing summary (also written to GitHub's job summary when run there).

Nothing secret is ever passed here: the deployment never learns the admin's password (Cognito
makes and mails it), and tokens and registry credentials stay inside the calls that use them.
"""

import os
import sys
import time


class DeployError(Exception):
    """A failure the user can act on: the message says what is wrong and what to do."""


class Steps:
    """Numbered steps: `with steps.step("name"):` prints the header and the time it took."""

    def __init__(self, total):
        self.total = total
        self.number = 0
        self.started = time.monotonic()

    def step(self, title):
        self.number += 1
        return _Step(f"[{self.number}/{self.total}] {title}")

    def elapsed(self):
        return time.monotonic() - self.started


class _Step:
    def __init__(self, title):
        self.title = title

    def __enter__(self):
        print(f"==> {self.title}", flush=True)
        self.started = time.monotonic()
        return self

    def __exit__(self, kind, error, trace):
        if kind is None:
            print(f"    done in {time.monotonic() - self.started:.0f} s", flush=True)
        return False


def info(message):
    print(f"    {message}", flush=True)


def warn(message):
    print(f"    warning: {message}", flush=True)


def fail(message):
    print(f"error: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def summary(title, rows, notes=()):
    """Prints `rows` (label, value) and `notes`, and appends them to $GITHUB_STEP_SUMMARY."""
    width = max(len(label) for label, _ in rows)
    print(f"\n{title}")
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
    for note in notes:
        print(f"  {note}")
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"## {title}\n\n| | |\n|---|---|\n")
            for label, value in rows:
                out.write(f"| {label} | {value} |\n")
            for note in notes:
                out.write(f"\n{note}\n")
