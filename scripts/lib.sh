# Shared setup steps for scripts/up, scripts/test and .ci/run. Sourced, not run.
# Idempotent: each step checks first and does nothing when already done.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"

RUNTIME_APT=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext ca-certificates)
TEST_APT=(poppler-utils zbar-tools chromium)

log() { printf '\033[1;34m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "Need root to run: $*" >&2; return 1; fi
}

apt_ensure() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "Installing system packages: ${missing[*]}"
        as_root apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
}

find_python() {
    # Python 3.11 or 3.12 (Django 5.2 LTS); install Debian's when none is there.
    for candidate in python3.11 python3.12 python3; do
        if command -v "$candidate" >/dev/null &&
            "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 12)))'; then
            echo "$candidate"; return 0
        fi
    done
    return 1
}

ensure_python() {
    local py
    if ! py="$(find_python)"; then
        log "Installing Python 3.11"
        apt_ensure python3.11 python3.11-venv || apt_ensure python3 python3-venv
        py="$(find_python)"
    fi
    if ! "$py" -c 'import ensurepip, venv' 2>/dev/null; then
        local ver; ver="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
        apt_ensure "python${ver}-venv" || apt_ensure python3-venv
    fi
    echo "$py"
}

ensure_venv() {
    # $1: lock file to install (requirements.lock or requirements-dev.lock)
    local lock="$ROOT/$1" stamp="$VENV/.installed-$1"
    if [ ! -x "$PY" ]; then
        local py; py="$(ensure_python)"
        log "Creating virtualenv with $py"
        "$py" -m venv "$VENV"
    fi
    if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
        log "Installing Python dependencies from $1"
        "$PY" -m pip install -q --upgrade pip
        "$PY" -m pip install -q -r "$lock"
        cp "$lock" "$stamp"
    fi
}

compile_messages() {
    (cd "$ROOT" && "$PY" manage.py compilemessages --ignore=.venv -v 0)
}
