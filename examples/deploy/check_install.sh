#!/usr/bin/env bash
# End-to-end check of the deploy path on a bare Debian system: boots a fresh
# Debian container (debootstrap + systemd-nspawn, systemd as its init, no
# network but its own loopback), runs install.sh in it with a prebuilt binary,
# and checks what the README promises: the service runs as its own user and
# archives a posted sample, a second install.sh leaves it running, the backup
# service writes the weekday's backup, a bad setting (exit 2) fails the unit
# without restarts, and direct-https.conf serves HTTPS on port 443 with a
# certificate only root can read.
#
#   sudo examples/deploy/check_install.sh [BINARY]   # default target/release/evarchive
#
# Not part of `cargo test`: it needs root, Debian's mirror and minutes (the
# first run makes the base system, later runs copy it from the cache).
# Environment: EVARCHIVE_CHECK_SUITE (default: this machine's Debian release,
# else bookworm), EVARCHIVE_CHECK_MIRROR, EVARCHIVE_CHECK_CACHE (default
# /var/cache/evarchive-check), EVARCHIVE_CHECK_KEEP=1 keeps the container's
# directory for a look after a failure.
# The commands in single quotes run inside the container, expanded there.
# shellcheck disable=SC2016
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="$(realpath "${1:-$repo/target/release/evarchive}")"
# shellcheck source=/dev/null
suite="${EVARCHIVE_CHECK_SUITE:-$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")}"
suite="${suite:-bookworm}"
mirror="${EVARCHIVE_CHECK_MIRROR:-http://deb.debian.org/debian}"
cache="${EVARCHIVE_CHECK_CACHE:-/var/cache/evarchive-check}"
started=$SECONDS

say() { printf 'check_install: %s\n' "$*" >&2; }
die() {
    say "FAILED: $*"
    exit 1
}

[ "$(id -u)" -eq 0 ] || die "run it as root (debootstrap and systemd-nspawn need it)"
[ -x "$binary" ] || die "$binary is not an executable (build it: cargo build --release --locked)"

missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v systemd-nspawn >/dev/null || missing+=(systemd-container)
command -v openssl >/dev/null || missing+=(openssl)
command -v pgrep >/dev/null || missing+=(procps)
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The base system: what a bare Debian server has, plus curl to post a sample.
# systemd-sysv makes systemd the container's init.
base="$cache/$suite"
if [ ! -e "$base/.complete" ]; then
    say "making a $suite base system in $base (once; minutes)"
    rm -rf "$base"
    mkdir -p "$cache"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,curl,ca-certificates \
        "$suite" "$base" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        die "debootstrap failed: $cache/debootstrap.log"
    touch "$base/.complete"
fi

work="$(mktemp -d /var/tmp/evarchive-check.XXXXXX)"
machine="evcheck-$$"
nspawn_pid=""
cleanup() {
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$nspawn_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$nspawn_pid" 2>/dev/null || true
    fi
    if [ "${EVARCHIVE_CHECK_KEEP:-0}" = 1 ]; then
        say "kept $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

root="$work/root"
cp -a "$base" "$root"
# What the operator brings: the repository's deploy files and the binary.
mkdir -p "$root/root/evarchive/examples"
cp -a "$repo/examples/deploy" "$repo/examples/samples" "$root/root/evarchive/examples/"
install -m 0755 "$binary" "$root/root/evarchive-binary"
# A self-signed certificate where Let's Encrypt would put one (root's only).
live="$root/etc/letsencrypt/live/hooks.example.com"
mkdir -p "$live"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=hooks.example.com \
    -keyout "$live/privkey.pem" -out "$live/fullchain.pem" 2>/dev/null
chmod 0700 "$root/etc/letsencrypt"
chmod 0600 "$live/privkey.pem"

say "booting the container"
systemd-nspawn --quiet --register=no --keep-unit --private-network --boot --console=passive \
    --machine="$machine" --directory="$root" >"$work/console.log" 2>&1 &
nspawn_pid=$!

# The container's init: the child of systemd-nspawn in a PID namespace of its
# own (nspawn's first child, which sets the namespaces up, exits).
leader=""
for _ in $(seq 1 100); do
    for pid in $(pgrep -P "$nspawn_pid" || true); do
        if [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]; then
            leader="$pid"
        fi
    done
    [ -n "$leader" ] && break
    kill -0 "$nspawn_pid" 2>/dev/null || die "systemd-nspawn exited: $(cat "$work/console.log")"
    sleep 0.1
done
[ -n "$leader" ] || die "no container init after 10 s"

# Runs a shell command inside the container, as root.
inside() {
    nsenter --target "$leader" --mount --uts --ipc --net --pid --root --wd -- \
        /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 /bin/bash -c "cd /root && $1"
}

for _ in $(seq 1 300); do
    state="$(inside 'systemctl is-system-running 2>/dev/null' || true)"
    case "$state" in running | degraded) break ;; esac
    sleep 0.1
done
case "$state" in running | degraded) ;; *) die "the container did not boot: ${state:-no answer}" ;; esac
say "booted ($state) after $((SECONDS - started)) s"

say "install.sh --binary (first run)"
inside 'cd /root/evarchive && examples/deploy/install.sh --binary /root/evarchive-binary' ||
    die "install.sh failed"
inside 'systemctl is-active --quiet evarchive' || die "evarchive is not running"
inside '[ "$(stat -c %U /var/lib/evarchive/evarchive.db)" = evarchive ]' ||
    die "the archive does not belong to the evarchive user"
inside '[ "$(stat -c %U "/proc/$(systemctl show -p MainPID --value evarchive)")" = evarchive ]' ||
    die "serve does not run as evarchive"
inside 'systemctl is-enabled --quiet evarchive && systemctl is-active --quiet evarchive-backup.timer' ||
    die "the unit is not enabled or the backup timer not active"

say "install.sh again: nothing changed, serve keeps running"
pid_before="$(inside 'systemctl show -p MainPID --value evarchive')"
inside 'echo "# edited" >> /etc/evarchive.env'
inside 'cd /root/evarchive && examples/deploy/install.sh --binary /root/evarchive-binary' ||
    die "the second install.sh failed"
[ "$(inside 'systemctl show -p MainPID --value evarchive')" = "$pid_before" ] ||
    die "the second install.sh restarted serve although nothing changed"
inside 'grep -qx "# edited" /etc/evarchive.env' || die "the second install.sh overwrote /etc/evarchive.env"

say "a sample conversion posted to serve is archived"
inside '
    set -e
    as_service() { runuser -u evarchive -- env EVARCHIVE_DB=/var/lib/evarchive/evarchive.db evarchive "$@"; }
    url="$(as_service token --public-url http://127.0.0.1:8080 | grep /webhooks/conversion_registered)"
    answer="$(curl -sS --fail-with-body -X POST --data-binary @evarchive/examples/samples/conversion_registered.json "$url")"
    echo "$answer" | grep -q "\"new\"" || { echo "answer: $answer"; exit 1; }
    as_service query conversions --format csv --columns conversion_id,transaction_id | grep -qx "10000001,d06fced9009dc26cebe7b656b480bee9"
' || die "the posted sample was not archived"

say "serve killed (-9) is started again, with the sample still archived"
inside '
    set -e
    before="$(systemctl show -p MainPID --value evarchive)"
    kill -KILL "$before"
    for _ in $(seq 1 150); do
        now="$(systemctl show -p MainPID --value evarchive)"
        if [ "$now" != 0 ] && [ "$now" != "$before" ] &&
            curl -sS --fail http://127.0.0.1:8080/healthz >/dev/null 2>&1; then
            [ "$(systemctl show -p NRestarts --value evarchive)" = 1 ]
            runuser -u evarchive -- env EVARCHIVE_DB=/var/lib/evarchive/evarchive.db \
                evarchive query conversions --format csv --columns conversion_id | grep -qx 10000001
            exit 0
        fi
        sleep 0.1
    done
    exit 1
' || die "serve was not started again after kill -9"

say "the backup service writes the weekday's backup"
inside '
    set -e
    systemctl start evarchive-backup.service
    backup="/var/lib/evarchive/backups/evarchive-$(LC_ALL=C date +%a).db"
    [ "$(stat -c %U:%a "$backup")" = evarchive:600 ]
    runuser -u evarchive -- evarchive --db "$backup" query conversions --format csv --columns conversion_id | grep -qx 10000001
' || die "no usable backup in /var/lib/evarchive/backups"

say "a bad setting (exit 2) fails the unit at once, without restarts"
inside 'echo EVARCHIVE_TOKEN_FILE=/nonexistent >> /etc/evarchive.env && systemctl restart evarchive' || true
sleep 3
inside '
    [ "$(systemctl show -p Result --value evarchive)" = exit-code ] &&
    [ "$(systemctl show -p ExecMainStatus --value evarchive)" = 2 ] &&
    [ "$(systemctl show -p NRestarts --value evarchive)" = 0 ]
' || die "exit 2 did not stop the unit: $(inside 'systemctl show -p Result -p ExecMainStatus -p NRestarts evarchive')"
inside 'sed -i "/^EVARCHIVE_TOKEN_FILE=\/nonexistent$/d" /etc/evarchive.env && systemctl reset-failed evarchive'

say "direct-https.conf: HTTPS on port 443 as the evarchive user"
inside '
    set -e
    install -D -m 0644 evarchive/examples/deploy/direct-https.conf /etc/systemd/system/evarchive.service.d/direct-https.conf
    systemctl daemon-reload
    systemctl restart evarchive
    for _ in $(seq 1 100); do
        curl -sSk --fail https://127.0.0.1/healthz >/dev/null 2>&1 && exit 0
        sleep 0.1
    done
    exit 1
' || die "no HTTPS on port 443: $(inside 'journalctl -u evarchive -n 20 --no-pager -o cat')"

say "PASSED in $((SECONDS - started)) s"
