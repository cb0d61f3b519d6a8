#!/usr/bin/env bash
# Installs evarchive as a systemd service, from a clone of the repository.
# Safe to run again (to upgrade, or after editing the units): the user, the
# archive and /etc/evarchive.env are kept, the binary and the units replaced,
# and serve restarted only if one of them changed.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: sudo examples/deploy/install.sh [--binary PATH] [--no-start]

Installs evarchive as a systemd service:
  /usr/local/bin/evarchive                      the binary
  /etc/systemd/system/evarchive.service         serve, as the system user evarchive
  /etc/systemd/system/evarchive-backup.service  a backup a day, kept a week, in
  /etc/systemd/system/evarchive-backup.timer      /var/lib/evarchive/backups
  /etc/evarchive.env                            serve's settings (kept if present)
  /var/lib/evarchive                            the archive (evarchive's only)
then enables them, and starts (or restarts, if changed) serve and the timer.

Options:
  --binary PATH  install this evarchive binary instead of building one with
                 `cargo install --locked --path .` (run as the user who
                 called sudo, who needs Rust: https://rustup.rs)
  --no-start     install and enable, but start nothing (e.g. to edit
                 /etc/evarchive.env first: then systemctl start evarchive
                 evarchive-backup.timer)
  -h, --help     this text
EOF
}

BIN=/usr/local/bin/evarchive
UNIT_DIR=/etc/systemd/system
ENV_FILE=/etc/evarchive.env
STATE_DIR=/var/lib/evarchive
SERVICE_USER=evarchive
UNITS=(evarchive.service evarchive-backup.service evarchive-backup.timer)

die() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}
say() { printf 'install.sh: %s\n' "$*" >&2; }

binary=""
start=1
while [ $# -gt 0 ]; do
    case "$1" in
    --binary)
        [ $# -ge 2 ] || die "--binary needs a PATH"
        binary="$2"
        shift 2
        ;;
    --binary=*)
        binary="${1#--binary=}"
        shift
        ;;
    --no-start)
        start=0
        shift
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        printf '\ninstall.sh: unknown argument %s\n' "$1" >&2
        exit 2
        ;;
    esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

[ "$(id -u)" -eq 0 ] || die "run it as root: sudo $0 $*"
command -v systemctl >/dev/null || die "systemctl not found: this needs a system run by systemd"

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT

# Builds into a directory of our own (not ~/.cargo/bin), as the user who called
# sudo when there is one: their Rust, their build cache, no root-owned files in
# their clone.
build() {
    local builder="${SUDO_USER:-root}" home
    home="$(getent passwd "$builder" | cut -d: -f6)"
    chown "$builder" "$workdir"
    say "building with cargo install --locked --path . (as $builder; minutes the first time)"
    # shellcheck disable=SC2016 # expanded by the builder's login shell
    runuser -u "$builder" -- env HOME="$home" USER="$builder" bash -lc \
        'command -v cargo >/dev/null || { echo "install.sh: cargo not found for $USER: install Rust (https://rustup.rs), or pass --binary PATH" >&2; exit 1; }
         cd "$1" && PATH="$2/bin:$PATH" cargo install --locked --path . --root "$2"' \
        build "$repo" "$workdir/cargo" || die "the build failed"
    binary="$workdir/cargo/bin/evarchive"
}

if [ -z "$binary" ]; then
    build
fi
if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then
    die "$binary is not an executable file"
fi
version="$("$binary" --version)" || die "$binary does not run on this machine"

changed=0
# Installs $1 as $2 (mode $3) unless $2 already has the same bytes.
install_file() {
    if ! cmp -s "$1" "$2"; then
        install -m "$3" -o root -g root "$1" "$2"
        changed=1
        say "installed $2"
    fi
}

if ! getent passwd "$SERVICE_USER" >/dev/null; then
    useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
        --shell /usr/sbin/nologin --comment "evarchive serve" "$SERVICE_USER"
    say "created the system user $SERVICE_USER"
fi
install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$STATE_DIR" "$STATE_DIR/backups"

install_file "$binary" "$BIN" 0755
for unit in "${UNITS[@]}"; do
    install_file "$here/$unit" "$UNIT_DIR/$unit" 0644
done
if [ ! -e "$ENV_FILE" ]; then
    install -m 0600 -o root -g root "$here/evarchive.env" "$ENV_FILE"
    say "installed $ENV_FILE (set EVARCHIVE_PUBLIC_URL there)"
fi

systemctl daemon-reload
systemctl enable --quiet evarchive.service evarchive-backup.timer

if [ "$start" = 0 ]; then
    say "$version installed and enabled, not started: systemctl start evarchive evarchive-backup.timer"
    exit 0
fi

systemctl start evarchive-backup.timer
if [ "$changed" = 1 ] || ! systemctl is-active --quiet evarchive.service; then
    since="$(date +%s)"
    systemctl restart evarchive.service
    # Started once serve says it listens (an archive being upgraded may take
    # a while first); a unit that failed shows its last lines.
    listening=0
    for _ in $(seq 1 600); do
        if journalctl --quiet -u evarchive.service --since "@$since" -o cat 2>/dev/null |
            grep -q 'listening on'; then
            listening=1
            break
        fi
        if systemctl is-failed --quiet evarchive.service; then
            journalctl --quiet -u evarchive.service --since "@$since" -o cat --no-pager >&2 || true
            die "evarchive.service failed to start (journalctl -u evarchive)"
        fi
        sleep 0.1
    done
    if [ "$listening" = 1 ]; then
        say "$version running: systemctl status evarchive, journalctl -u evarchive"
    else
        say "$version started but not listening yet after 60 s: journalctl -u evarchive -f"
    fi
else
    say "$version already running, nothing changed"
fi
say "the webhook URLs: sudo -u $SERVICE_USER EVARCHIVE_DB=$STATE_DIR/evarchive.db $BIN token"
