"""python -m deployment deploy|destroy|smoke ARGS: what scripts/deploy, scripts/destroy and
scripts/smoke run (from scripts/, with boto3 installed)."""

import sys

from .report import DeployError, fail


def main():
    commands = {"deploy": "deploy", "destroy": "destroy", "smoke": "smoke"}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        fail("usage: python -m deployment deploy|destroy|smoke ARGS")
    command, argv = sys.argv[1], sys.argv[2:]
    try:
        if command == "smoke":
            from .smoke import main as smoke
            return smoke(argv)
        from . import deploy
        return getattr(deploy, command)(argv)
    except DeployError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted; rerun the same command to resume")


sys.exit(main())
