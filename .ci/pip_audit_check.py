"""CI's pip-audit step: fail on a known vulnerability, say plainly when nothing could be checked.

pip-audit looks each pinned package up in a vulnerability service (PyPI's JSON API by default).
Where that service can't be reached, pip-audit either stops with a connection error or marks
every package "not found on PyPI" and still reports "No known vulnerabilities found". Neither is
a pass: this prints how many packages were really audited, fails on any vulnerability found, and
lets the build go on with a warning only when the service itself could not be reached.

Usage: python .ci/pip_audit_check.py requirements.txt [pip-audit options...]
"""

import json
import subprocess  # noqa: S404 - runs pip-audit, a fixed command
import sys
import tempfile
from pathlib import Path

# Known vulnerabilities accepted after review, each with the reason: `--ignore-vuln ID` below.
ACCEPTED: dict[str, str] = {}

UNREACHABLE = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "timed out")


def main(requirements: str, *extra: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        command = [
            str(Path(sys.executable).with_name("pip-audit")),
            "--requirement",
            requirements,
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--output",
            str(report),
            *(arg for vuln in ACCEPTED for arg in ("--ignore-vuln", vuln)),
            *extra,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if not report.exists() or not report.read_text().strip():
            if any(sign in done.stderr for sign in UNREACHABLE):
                print(
                    "WARNING: pip-audit could not reach its vulnerability service; "
                    "NOTHING WAS AUDITED. Last error:\n  " + done.stderr.strip().splitlines()[-1]
                )
                return 0
            print(done.stdout, done.stderr, sep="\n")
            print(f"pip-audit failed (exit {done.returncode}) without a report.")
            return 1
        result = json.loads(report.read_text())

    dependencies = result.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    skipped = [d for d in dependencies if "skip_reason" in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"{dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixes})")
    print(f"pip-audit: {len(audited)} of {len(dependencies)} packages audited.")
    if vulnerable:
        print("Known vulnerabilities found: upgrade, or accept each in .ci/pip_audit_check.py.")
        return 1
    if skipped and not audited:
        print(
            "WARNING: no package could be looked up in the vulnerability service (first reason: "
            f"{skipped[0]['skip_reason']}); NOTHING WAS AUDITED."
        )
    elif skipped:
        names = ", ".join(f"{d['name']} {d['version']}" for d in skipped)
        print(f"WARNING: not audited: {names}")
    else:
        print("No known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
