"""What scripts/supply-chain reads and judges in Python: the accepted Rust advisories of deny.toml
and npm audit's report against storefront/audit-accepted.toml.

    python3 scripts/supply_chain.py ignores deny.toml
    python3 scripts/supply_chain.py npm-audit REPORT.json ACCEPTED.toml

Each prints what it found for the script to indent and exits with the status the script reads.
"""

import json
import re
import sys
import tomllib


def ignores(path):
    """Every accepted advisory of deny.toml gives its reason. Exit 1 when one does not."""
    ignores = tomllib.load(open(path, "rb")).get("advisories", {}).get("ignore", [])
    bad = [e for e in ignores if not isinstance(e, dict) or not str(e.get("reason", "")).strip()
           or not (e.get("id") or e.get("crate"))]
    for e in bad:
        print(f"deny.toml [advisories] ignore: {e!r} has no reason")
    for e in ignores:
        if e not in bad:
            print(f"{e.get('id') or e.get('crate')}: {' '.join(str(e['reason']).split())}")
    sys.exit(1 if bad else 0)


def npm_audit(report_path, accepted_path):
    """npm audit's findings against the accepted ones."""
    # Exit 0: no finding but accepted ones; 1: findings; 2: the accepted list is wrong; 3: no report.
    try:
        report = json.load(open(report_path))
    except ValueError:
        report = {}
    if "vulnerabilities" not in report:
        print(report.get("message") or (report.get("error") or {}).get("summary") or "npm printed no audit report")
        sys.exit(3)

    accepted, problems = {}, []
    try:
        entries = tomllib.load(open(accepted_path, "rb")).get("accepted", [])
    except tomllib.TOMLDecodeError as e:
        entries, problems = [], [f"{accepted_path} is not valid TOML: {e}"]
    for e in entries:
        if not isinstance(e, dict):
            problems.append(f"{accepted_path}: {e!r} is not an [[accepted]] table")
            continue
        advisory, reason = str(e.get("advisory", "")).strip(), str(e.get("reason", "")).strip()
        if not re.fullmatch(r"GHSA(-[0-9a-z]{4}){3}", advisory):
            problems.append(f"{accepted_path}: {e!r}: advisory must be a GHSA id (GHSA-xxxx-xxxx-xxxx)")
        elif not reason:
            problems.append(f"{accepted_path}: {advisory} has no reason")
        else:
            accepted[advisory] = e

    findings = {}
    for name, vuln in sorted(report["vulnerabilities"].items()):
        for via in vuln.get("via", []):
            if not isinstance(via, dict):
                continue  # a package affected through another one, whose entry has the advisory
            url = via.get("url", "")
            advisory = url.rstrip("/").rsplit("/", 1)[-1] if "GHSA-" in url else f"npm advisory {via.get('source')}"
            f = findings.setdefault(advisory, {"title": via.get("title", ""), "severity": via.get("severity", "?"),
                                               "url": url, "where": set(), "fix": set()})
            f["where"].add(f"{via.get('name', name)} {via.get('range', '')}".strip())
            fix = vuln.get("fixAvailable")
            if isinstance(fix, dict):
                major = ", a semver-major upgrade" if fix.get("isSemVerMajor") else ""
                f["fix"].add(f"{fix.get('name')} {fix.get('version')}{major}")
            elif fix is True:
                f["fix"].add("npm audit fix --omit=dev")

    open_findings = {a: f for a, f in findings.items() if a not in accepted}
    for advisory, f in sorted(open_findings.items()):
        print(f"{advisory} ({f['severity']}): {f['title']}")
        print(f"  in {'; '.join(sorted(f['where']))}; {f['url']}")
        print(f"  fix: {'; '.join(sorted(f['fix'])) if f['fix'] else 'none published yet'}")
    for advisory, e in sorted(accepted.items()):
        state = "reported, accepted" if advisory in findings else "no longer reported: remove it"
        print(f"accepted {advisory} ({e.get('package', '?')}; {state}): {e['reason']}")
    for p in problems:
        print(p)
    counts = report.get("metadata", {}).get("dependencies", {})
    print(f"{len(findings)} advisories over {counts.get('prod', counts.get('total', '?'))} production packages, "
          f"{len(findings) - len(open_findings)} of them accepted")
    sys.exit(2 if problems else 1 if open_findings else 0)


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["ignores", path]:
            ignores(path)
        case ["npm-audit", report, accepted]:
            npm_audit(report, accepted)
        case _:
            sys.exit(__doc__)
