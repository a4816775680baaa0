# Shared by the scripts in scripts/: find or build the project's Python environment and
# run commands in it. Sourced, never executed.
#
# Two kinds of environment:
#   venv  a Python >= 3.14.2 from the PATH, with a virtualenv in .venv (or .venv-<tag>)
#   root  a private Debian "forky" root (built with debootstrap, as root on Debian) holding
#         Python 3.14; the checkout is bind-mounted into it at its own path inside a private
#         mount namespace, so every mount disappears with the command, however it ends.

set -euo pipefail

OB_CHECKOUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OB_HOME="${OVERKIZ_BATCH_HOME:-${HOME:-/root}/.cache/overkiz-batch}"
OB_ROOT="$OB_HOME/root"
OB_MIN_PY="3.14.2"
# Optional pyoverkiz version for a compatibility environment (empty: requirements as pinned).
OB_PYOVERKIZ="${OB_PYOVERKIZ:-}"

ob_log() { printf '==> %s\n' "$*" >&2; }
ob_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Parse a leading "--pyoverkiz VERSION" from the arguments; the rest stay in OB_ARGS.
ob_parse_args() {
  ob_detect_mode
  OB_ARGS=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --pyoverkiz) [ $# -ge 2 ] || ob_die "--pyoverkiz needs a version"; OB_PYOVERKIZ="$2"; shift 2 ;;
      --pyoverkiz=*) OB_PYOVERKIZ="${1#--pyoverkiz=}"; shift ;;
      *) OB_ARGS+=("$1"); shift ;;
    esac
  done
}

ob_tag() { if [ -n "$OB_PYOVERKIZ" ]; then printf 'pyoverkiz-%s' "$OB_PYOVERKIZ"; else printf 'main'; fi; }

# A Python >= OB_MIN_PY on the PATH, or nothing.
ob_host_python() {
  local cand
  for cand in python3.14 python3 python; do
    if command -v "$cand" >/dev/null 2>&1 &&
      "$cand" -c "import sys; sys.exit(0 if sys.version_info >= (3, 14, 2) else 1)" 2>/dev/null; then
      command -v "$cand"
      return 0
    fi
  done
  return 1
}

# Decide once per command (the check runs Pythons, which is slow behind version shims).
ob_detect_mode() {
  [ -n "${OB_MODE:-}" ] && return 0
  if ob_host_python >/dev/null; then OB_MODE=venv
  elif [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then OB_MODE=root
  else
    ob_die "Overkiz Batch needs Python >= $OB_MIN_PY (current Home Assistant requires it).
Install Python 3.14 (for example from python.org, your distribution or pyenv) and put it on
the PATH, then run this command again. (As root on Debian the scripts can build a private
Python 3.14 root themselves.)"
  fi
}

ob_mode() { ob_detect_mode; printf '%s' "$OB_MODE"; }

# Where the venv lives, as seen by the commands that run in it.
ob_venv() {
  if [ "$(ob_mode)" = venv ]; then
    if [ -n "$OB_PYOVERKIZ" ]; then printf '%s/.venv-%s' "$OB_CHECKOUT" "$(ob_tag)"
    else printf '%s/.venv' "$OB_CHECKOUT"; fi
  else
    printf '/opt/venvs/%s' "$(ob_tag)"
  fi
}

# The requirements for this environment (the pinned file, with pyoverkiz swapped when asked).
ob_requirements() {
  if [ -n "$OB_PYOVERKIZ" ]; then
    sed -E "s/^pyoverkiz(\[[^]]*\])?==.*/pyoverkiz\1==$OB_PYOVERKIZ/" "$OB_CHECKOUT/requirements_test.txt"
  else
    cat "$OB_CHECKOUT/requirements_test.txt"
  fi
}

# The first Debian mirror named in this machine's own apt sources.
ob_mirror() {
  local m=""
  if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$m" ] || ob_die "no Debian mirror found in /etc/apt/sources.list*"
  printf '%s' "$m"
}

ob_build_root() {
  [ -x "$OB_ROOT/usr/bin/python3.14" ] && [ -f "$OB_ROOT/.ob-complete" ] && return 0
  if ! command -v debootstrap >/dev/null 2>&1; then
    ob_log "installing debootstrap"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  local script=/usr/share/debootstrap/scripts/forky
  [ -e "$script" ] || script=/usr/share/debootstrap/scripts/sid
  local mirror; mirror=$(ob_mirror)
  ob_log "building a private Debian forky root with Python 3.14 in $OB_ROOT (about a minute)"
  rm -rf "$OB_ROOT"
  mkdir -p "$OB_HOME"
  debootstrap --variant=minbase --include=python3.14,python3.14-venv,ca-certificates \
    forky "$OB_ROOT" "$mirror" "$script" >"$OB_HOME/debootstrap.log" 2>&1 ||
    ob_die "debootstrap failed, see $OB_HOME/debootstrap.log"
  touch "$OB_ROOT/.ob-complete"
}

# Files the root needs from the host, refreshed on every run (cheap).
ob_refresh_root_files() {
  cp -L /etc/resolv.conf "$OB_ROOT/etc/resolv.conf" 2>/dev/null || true
  if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
    mkdir -p "$OB_ROOT/etc/ssl/certs"
    cp /etc/ssl/certs/ca-certificates.crt "$OB_ROOT/etc/ssl/certs/ca-certificates.crt"
  fi
  # Mount points for the checkout and, when it exists, ../shared beside it.
  mkdir -p "$OB_ROOT$OB_CHECKOUT"
  if [ -d "$OB_CHECKOUT/../shared" ]; then
    mkdir -p "$OB_ROOT$(cd "$OB_CHECKOUT/.." && pwd)/shared"
  fi
}

# Run a command in the environment, working directory = the checkout.
ob_exec() {
  local venv; venv=$(ob_venv)
  if [ "$(ob_mode)" = venv ]; then
    (cd "$OB_CHECKOUT" && PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" "$@")
  else
    local shared=""
    [ -d "$OB_CHECKOUT/../shared" ] && shared="$(cd "$OB_CHECKOUT/.." && pwd)/shared"
    unshare --mount --propagation private -- \
      "$OB_CHECKOUT/scripts/lib/enter-root" "$OB_ROOT" "$OB_CHECKOUT" "$shared" "$venv" "$@"
  fi
}

ob_setup() {
  local mode; mode=$(ob_mode)
  mkdir -p "$OB_HOME"
  local venv; venv=$(ob_venv)
  local stamp_dir="$venv"
  if [ "$mode" = root ]; then
    ( flock 8; ob_build_root; ob_refresh_root_files ) 8>"$OB_HOME/root.lock"
    stamp_dir="$OB_ROOT$venv"
  fi
  local want; want=$(ob_requirements | sha256sum | cut -d' ' -f1)
  [ -f "$stamp_dir/.ob-requirements" ] && [ "$(cat "$stamp_dir/.ob-requirements")" = "$want" ] && return 0
  # One installer at a time per environment; others wait and then find it done.
  exec 9>"$OB_HOME/venv-$(ob_tag).lock"
  flock 9
  if [ ! -f "$stamp_dir/.ob-requirements" ] || [ "$(cat "$stamp_dir/.ob-requirements")" != "$want" ]; then
    ob_install "$mode" "$venv" "$stamp_dir" "$want"
  fi
  flock -u 9
  exec 9>&-
}

ob_install() {
  local mode="$1" venv="$2" stamp_dir="$3" want="$4"
  ob_log "installing the test requirements into $venv ($(ob_tag))"
  local req="$OB_HOME/requirements-$(ob_tag).txt"
  ob_requirements >"$req"
  if [ "$mode" = root ]; then
    cp "$req" "$OB_ROOT/tmp/ob-requirements-$(ob_tag).txt"
    req="/tmp/ob-requirements-$(ob_tag).txt"
    [ -x "$OB_ROOT$venv/bin/python" ] || ob_exec /usr/bin/python3.14 -m venv "$venv"
  else
    [ -x "$venv/bin/python" ] || "$(ob_host_python)" -m venv "$venv"
  fi
  ob_exec python -m pip install -q --disable-pip-version-check -r "$req" ||
    ob_die "installing the test requirements failed"
  printf '%s' "$want" >"$stamp_dir/.ob-requirements"
}

# Install an extra requirements file (a path relative to the checkout, such as
# requirements_develop.txt) into the environment ob_setup made, with its own stamp:
# reinstalled only when that file changes. Run after ob_setup.
ob_install_extra() {
  local file="$1"
  [ -f "$OB_CHECKOUT/$file" ] || ob_die "$file not found in $OB_CHECKOUT"
  local venv; venv=$(ob_venv)
  local stamp="$venv/.ob-$(basename "$file" .txt)"
  [ "$(ob_mode)" = root ] && stamp="$OB_ROOT$stamp"
  local want; want=$(sha256sum <"$OB_CHECKOUT/$file" | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  exec 9>"$OB_HOME/venv-$(ob_tag).lock"
  flock 9
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    ob_log "installing $file into $venv ($(ob_tag))"
    ob_exec python -m pip install -q --disable-pip-version-check -r "$OB_CHECKOUT/$file" ||
      ob_die "installing $file failed"
    printf '%s' "$want" >"$stamp"
  fi
  flock -u 9
  exec 9>&-
}
