#!/usr/bin/env bash
# Runs the whole akkawsgi test suite.
#
#   scripts/test.sh [extra `dotnet test` arguments...]
#   scripts/test.sh --filter FullyQualifiedName~Kernel
#
# Steps: install the Debian packages the tests use (as root, only when one is missing), build the solution
# once in Release, run every test project, and end with exactly one line of the form
#
#   N passed, N failed, N skipped
#
# The exit status is non-zero when the build fails, when `dotnet test` fails, when any test fails, or when
# no test ran at all (for instance a --filter that matches nothing).
#
# Results (TRX files, apt log) go to .test-output/, which is emptied at the start of every run.
#
# Python interpreters: the test harness finds them itself. To choose them, set AKKAWSGI_TEST_PYTHONS before
# running this script; it is passed through untouched and never set here.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

results_dir="$repo_root/.test-output"
solution="AkkaWsgi.sln"

# Debian 12 package names. libpython3.11 is separate from python3 on Debian, and the tests embed
# /usr/bin/python3, so its shared library must be present. chromium is the browser the status page is tested in;
# python3-venv makes the virtualenv the wheel is installed into.
required_packages=(python3 libpython3.11 python3-venv python3-flask python3-django chromium)

# A test that hangs is stopped after this long and reported by name, instead of the run being killed by the
# CI time limit with no result at all.
hang_timeout="10m"

export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE="${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}"

say() { printf '==> %s\n' "$*"; }

rm -rf "$results_dir"
mkdir -p "$results_dir"

# --- 1. Debian packages ----------------------------------------------------------------------------------

# shellcheck source=scripts/lib/debian-packages.sh
source "$repo_root/scripts/lib/debian-packages.sh"
ensure_debian_packages "$results_dir/apt.log" "${required_packages[@]}"

if [[ -n "${AKKAWSGI_TEST_PYTHONS:-}" ]]; then
    say "Python interpreters for the tests: AKKAWSGI_TEST_PYTHONS=$AKKAWSGI_TEST_PYTHONS"
fi

# --- 2. Summary of the TRX files --------------------------------------------------------------------------

# Prints "passed failed skipped unreadable" for all TRX files under $results_dir.
count_trx_results() {
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$results_dir" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = unreadable = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True)):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        print(f"cannot read {path}: {e}", file=sys.stderr)
        unreadable += 1
        continue
    # Only top-level results: data-driven tests may nest inner results under their parent.
    for result in root.findall("t:Results/t:UnitTestResult", ns):
        outcome = result.get("outcome", "")
        if outcome == "Passed":
            passed += 1
        elif outcome in ("NotExecuted", "Inconclusive"):
            skipped += 1
        else:  # Failed, Error, Timeout, Aborted, ...: anything else is not a pass.
            failed += 1
print(passed, failed, skipped, unreadable)
PY
    else
        # No python3 (non-root machine without it): add up the <Counters> element of each file instead.
        local passed=0 failed=0 skipped=0 unreadable=0 trx counters
        attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
        while IFS= read -r -d '' trx; do
            counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
            if [[ -z "$counters" ]]; then
                unreadable=$((unreadable + 1))
                continue
            fi
            passed=$((passed + $(attr passed)))
            failed=$((failed + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
            # Skipped tests are not always in notExecuted; they are always in total but not in executed.
            skipped=$((skipped + $(attr total) - $(attr executed) + $(attr inconclusive)))
        done < <(find "$results_dir" -name '*.trx' -print0)
        echo "$passed $failed $skipped $unreadable"
    fi
}

# --- 3. Build once -----------------------------------------------------------------------------------------

say "building $solution (Release)"
build_status=0
dotnet build "$solution" -c Release -nologo -v quiet </dev/null || build_status=$?
if [[ $build_status -ne 0 ]]; then
    say "build failed (exit code $build_status)"
    echo "0 passed, 0 failed, 0 skipped"
    exit 1
fi

# --- 4. Run the tests --------------------------------------------------------------------------------------

say "running tests (failures are shown as they happen; every result is in $results_dir/*.trx)"
test_status=0
dotnet test "$solution" -c Release --no-build \
    --results-directory "$results_dir" \
    --logger "trx" \
    --logger "console;verbosity=minimal" \
    --blame-hang-timeout "$hang_timeout" \
    --blame-hang-dump-type none \
    "$@" </dev/null || test_status=$?

read -r passed failed skipped unreadable < <(count_trx_results)

exit_status=0
if [[ $test_status -ne 0 ]]; then
    say "dotnet test exited with code $test_status"
    exit_status=1
fi
if [[ $unreadable -gt 0 ]]; then
    say "$unreadable result file(s) could not be read; the counts below are incomplete"
    exit_status=1
fi
if [[ $failed -gt 0 ]]; then
    exit_status=1
elif [[ $test_status -ne 0 ]]; then
    say "no test failed, but the run did not complete (a crashed or hung test host, or a dotnet test error); see above"
fi
if [[ $((passed + failed)) -eq 0 ]]; then
    say "no test was executed"
    exit_status=1
fi

echo "$passed passed, $failed failed, $skipped skipped"
exit $exit_status
