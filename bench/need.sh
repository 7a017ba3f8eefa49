# Sourced by the benchmark scripts: need NAME "cmd:PROG=PACKAGE | file:PATH=PACKAGE ..." installs from Debian
# (as root) what is missing, or stops with the apt-get line to run.
need() {
  who=$1
  shift
  missing=
  for want in "$@"; do
    what=${want%%=*}
    package=${want#*=}
    case "$what" in
      cmd:*) command -v "${what#cmd:}" >/dev/null 2>&1 || missing="$missing $package" ;;
      file:*) [ -x "${what#file:}" ] || missing="$missing $package" ;;
    esac
  done
  [ -n "$missing" ] || return 0
  if [ "$(id -u)" != 0 ]; then
    echo "$who: missing$missing; run as root or install them (apt-get install -y$missing)" >&2
    exit 2
  fi
  echo "$who: installing$missing ..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
}
