#!/usr/bin/env bash
# Create .venv with Python >= 3.12 (Mesa 3.5 needs it) and install govsim into it.
#
#   scripts/setup.sh          the package and its runtime dependencies
#   scripts/setup.sh test     plus what the test suite needs
#
# Python 3.12 is found as `python3.12` on PATH, or among pyenv's installed versions
# (these machines default to 3.11 and carry 3.12 through pyenv).
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local candidate
    for candidate in python3.12 python3.13 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        local root version
        root="$(pyenv root)"
        for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[2-9](\.[0-9]+)?$' | sort -V); do
            if [ -x "$root/versions/$version/bin/python" ]; then
                echo "$root/versions/$version/bin/python"
                return 0
            fi
        done
    fi
    return 1
}

extras="${1:-}"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    python="$(find_python)" || {
        echo "setup: no Python >= 3.12 found (tried python3.12, python3.13, python3 and pyenv)." >&2
        echo "setup: install Python 3.12, e.g. 'pyenv install 3.12', and run this again." >&2
        exit 2
    }
    echo "setup: creating .venv with $("$python" --version) ($python)"
    rm -rf .venv
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -n "$extras" ]; then
    .venv/bin/python -m pip install --quiet -e ".[$extras]"
else
    .venv/bin/python -m pip install --quiet -e .
fi
echo "setup: ready (.venv, extras: ${extras:-none})"
