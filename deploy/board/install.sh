#!/usr/bin/env bash
# install.sh: installs (or updates) an npufleet worker on one board, in one command:
#   a JRE from the distribution, the fleet jar, the systemd unit and its environment file,
#   then runs `fleet doctor` as the worker's user and starts the worker.
# Idempotent: what is already there and equal is left alone; an existing /etc/npufleet/worker.env is
# never overwritten. --dry-run prints what it would do and changes nothing.
#
#   sudo deploy/board/install.sh [--jar PATH] [--dry-run] [--no-start]
#
# Debian 12 / Ubuntu 22.04+ / Armbian (apt, systemd). See README.md, "Running on boards".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jar="$repo/launcher/target/npufleet-launcher.jar"
dry_run=0
start=1
# Tests point ROOT at a folder of their own; on a board it is /.
root="${NPUFLEET_INSTALL_ROOT:-/}"
root="${root%/}"
user=npufleet
jre_package="${NPUFLEET_JRE_PACKAGE:-openjdk-17-jre-headless}"

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --no-start) start=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

opt="$root/opt/npufleet"
etc="$root/etc/npufleet"
unit_dir="$root/etc/systemd/system"
changed=0

say() { printf '%s\n' "$*"; }
# do_or_say DESCRIPTION COMMAND...: runs the command, or prints it under --dry-run.
do_or_say() {
  local what="$1"; shift
  if [ "$dry_run" = 1 ]; then
    say "would: $what   [$*]"
  else
    say "$what"
    "$@"
  fi
}

need_root() {
  if [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ]; then
    echo "install.sh: run as root (sudo), or with --dry-run to see what it would do" >&2
    exit 2
  fi
}

java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local v
  v="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ -n "$v" ] && [ "${v%%.*}" -ge 17 ]
}

install_jre() {
  if java_ok; then
    say "ok: a JRE 17+ is installed ($(command -v java))"
  else
    do_or_say "installing $jre_package from the distribution" sh -c "apt-get update && apt-get install -y $jre_package"
    changed=1
  fi
}

ensure_user() {
  if id "$user" >/dev/null 2>&1; then
    say "ok: user $user exists"
    return
  fi
  local groups
  groups="$(for g in render video; do getent group "$g" >/dev/null 2>&1 && printf '%s,' "$g"; done)"
  do_or_say "creating system user $user (groups: ${groups%,})" \
    useradd --system --home-dir /var/lib/npufleet --shell /usr/sbin/nologin ${groups:+--groups "${groups%,}"} "$user"
}

# place SOURCE DEST MODE: copies when DEST is missing or differs.
place() {
  local src="$1" dest="$2" mode="$3"
  if [ ! -f "$src" ]; then
    echo "install.sh: $src is missing (build it first: mvn -B -DskipTests package)" >&2
    exit 1
  fi
  if [ -f "$dest" ] && cmp -s "$src" "$dest"; then
    say "ok: $dest is up to date"
  else
    do_or_say "installing $dest" install -D -m "$mode" "$src" "$dest"
    changed=1
  fi
}

# The jar's dependencies sit beside it in lib/ (the manifest's class path).
place_lib() {
  local src
  src="$(dirname "$jar")/lib"
  if [ ! -d "$src" ]; then
    say "note: no $src beside the jar (a jar with its dependencies inside needs none)"
    return
  fi
  if [ -d "$opt/lib" ] && diff -rq "$src" "$opt/lib" >/dev/null 2>&1; then
    say "ok: $opt/lib is up to date"
  else
    do_or_say "installing $opt/lib" sh -c "rm -rf '$opt/lib.new' && cp -r '$src' '$opt/lib.new' && rm -rf '$opt/lib' && mv '$opt/lib.new' '$opt/lib'"
    changed=1
  fi
}

# The jar carries the JNI bridge per platform: one built on x86_64 without the cross compiler has none for a board.
check_native() {
  local arch platform
  arch="$(uname -m)"
  platform="linux-${arch/arm64/aarch64}"
  if ! command -v unzip >/dev/null 2>&1 || ! unzip -l "$jar" >/dev/null 2>&1; then
    say "note: cannot list $jar (unzip missing or not a jar): not checking its native/$platform/ libraries"
  elif unzip -l "$jar" | grep -q "native/$platform/libnpufleet.so"; then
    say "ok: the jar carries the JNI bridge for $platform"
  else
    echo "install.sh: $jar has no native/$platform/libnpufleet.so: build it on this board (or with aarch64-linux-gnu-gcc installed)" >&2
    exit 1
  fi
}

env_file() {
  local dest="$etc/worker.env"
  if [ -f "$dest" ]; then
    say "ok: $dest exists (kept as it is)"
    if grep -q 'kafka.example.lan' "$dest"; then
      echo "install.sh: $dest still has the template's placeholders (kafka.example.lan): edit it, then run this again" >&2
      [ "$dry_run" = 1 ] || exit 1
    fi
    return
  fi
  do_or_say "installing $dest from the template (edit it: bootstrap servers, board id, runtime and model paths)" \
    install -D -m 0640 "$repo/deploy/systemd/worker.env" "$dest"
  if [ "$dry_run" = 0 ]; then
    chgrp "$user" "$dest" 2>/dev/null || true
    echo "install.sh: edit $dest now, then run this script again to check the board and start the worker" >&2
    exit 0
  fi
}

doctor() {
  # As the service will run: its user, groups and environment file.
  local cmd=(systemd-run --quiet --wait --pipe --collect -p "User=$user" -p "SupplementaryGroups=render video"
    -p "EnvironmentFile=$etc/worker.env" -p StateDirectory=npufleet /usr/bin/java -jar "$opt/npufleet-launcher.jar" doctor)
  if [ "$dry_run" = 1 ]; then
    say "would: run fleet doctor as $user with $etc/worker.env; stop here if a line fails   [${cmd[*]}]"
    return
  fi
  say "running fleet doctor as $user"
  if ! "${cmd[@]}"; then
    echo "install.sh: fleet doctor found a problem (the failed lines above say how to fix it); the worker was not started" >&2
    exit 1
  fi
}

start_worker() {
  if [ "$start" = 0 ]; then
    say "not starting the worker (--no-start)"
    return
  fi
  do_or_say "reloading systemd units" systemctl daemon-reload
  if [ "$changed" = 1 ]; then
    do_or_say "enabling and (re)starting npufleet-worker" sh -c "systemctl enable npufleet-worker && systemctl restart npufleet-worker"
  else
    do_or_say "enabling and starting npufleet-worker (a running one is left running)" systemctl enable --now npufleet-worker
  fi
}

need_root
[ "$dry_run" = 1 ] && say "dry run: nothing is changed (root: ${root:-/})"
install_jre
ensure_user
check_native
place "$jar" "$opt/npufleet-launcher.jar" 0644
place_lib
place "$repo/deploy/systemd/npufleet-worker.service" "$unit_dir/npufleet-worker.service" 0644
env_file
doctor
start_worker
say "done"
