"""The file watcher of `scripts/dev --watch`: runs a command after each batch of changes to the
watched paths, never at start, one run at a time (changes made during a run make the next batch).

    python scripts/watch.py --ext rs,toml,sql,lock PATH... -- COMMAND [ARGS...]

On watchfiles (PyPI, a prebuilt wheel around Rust's notify): installing it takes seconds, where
compiling watchexec-cli from crates.io took minutes on a fresh machine.
"""

import argparse
import subprocess
import sys
from pathlib import Path

from watchfiles import DefaultFilter, watch


class Extensions(DefaultFilter):
    """Changes to files with one of `extensions` or named exactly like a watched file, minus
    what watchfiles ignores by default (.git, editors' swap files, __pycache__)."""

    def __init__(self, extensions, files):
        super().__init__()
        self.extensions = tuple(f".{e}" for e in extensions)
        self.files = {str(Path(f).resolve()) for f in files}

    def __call__(self, change, path):
        return super().__call__(change, path) and (
            path.endswith(self.extensions) or str(Path(path).resolve()) in self.files
        )


def main(argv):
    if "--" not in argv:
        sys.exit("usage: watch.py --ext EXTS PATH... -- COMMAND [ARGS...]")
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="watch.py")
    parser.add_argument("--ext", required=True, help="extensions, comma-separated")
    parser.add_argument("--debounce-ms", type=int, default=500)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv[:split])
    command = argv[split + 1 :]
    if not command:
        sys.exit("watch.py: no command after --")
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        sys.exit(f"watch.py: no such path: {', '.join(missing)}")
    files = [p for p in args.paths if Path(p).is_file()]
    changes = watch(
        *args.paths,
        watch_filter=Extensions(args.ext.split(","), files),
        debounce=args.debounce_ms,
        raise_interrupt=False,
    )
    for _ in changes:
        subprocess.run(command, check=False)


if __name__ == "__main__":
    main(sys.argv[1:])
