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

# ---- the dashboard (govsim viz): a browser for its test, its page assets for offline use

has_extra() { [[ ",$extras," == *",$1,"* ]]; }

# apt-get as root, or through passwordless sudo; otherwise say why not and fail.
apt_install() {
    local package="$1" why="$2" sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo"
        else
            echo "setup: $package is missing and cannot be installed here (not root, no passwordless sudo); $why. Install it with 'apt-get install $package'." >&2
            return 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: $package is missing and this system has no apt-get; $why." >&2
        return 1
    fi
    echo "setup: installing $package with apt-get ($why)"
    $sudo apt-get update -qq >/dev/null &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
}

if has_extra test || has_extra dev; then
    # Playwright cannot download its own browsers here: the test drives Debian's chromium.
    if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
        if ! apt_install chromium "the dashboard's browser test needs it and will be skipped"; then
            # As root an apt failure is a broken install, not a reason to skip the test.
            [ "$(id -u)" -ne 0 ] || exit 1
        fi
    fi
fi
if has_extra test || has_extra dev; then
    # The dashboard's page text is drawn by the browser with the system's fonts (the
    # figures bring their own CJK font): a CJK font lets the browser test's screenshots
    # of `govsim viz --lang zh` show Chinese rather than boxes. Small (5 MB).
    if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
        apt_install fonts-wqy-microhei "screenshots of the Chinese dashboard need a CJK font" ||
            true
    fi
fi
if has_extra test || has_extra dev || has_extra viz; then
    # The page's scripts and style sheets, served locally (works behind firewalls).
    if ! command -v npm >/dev/null 2>&1; then
        apt_install npm "govsim viz --install-assets downloads the page assets with it" || exit 1
    fi
    .venv/bin/govsim viz --install-assets
fi
echo "setup: ready (.venv, extras: ${extras:-none})"
