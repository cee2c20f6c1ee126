# tmux_lib.sh: what the dashboard tests share; sourced, not run. A private
# tmux server and temp folder (both removed on exit), failure counting, and
# polling of a session's screen that gives up early once the program in it
# has ended, so a crash fails quickly instead of sitting out every deadline.
# A session NAME's script writes "EXIT=<status>" to $tmp/NAME.exit when the
# program ends (see start_script).
set -u
RNNTOP=${RNNTOP:-./rnntop}
TMUX_BIN=${TMUX_BIN:-}
[ -n "$TMUX_BIN" ] || { echo "tmux not found: skipped"; exit 77; }
tmp=$(mktemp -d)
T="$TMUX_BIN -L rnntop-$(basename "$0" .sh)-$$"
trap '$T kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/xdg"
export LC_ALL=C.UTF-8 LANG=C.UTF-8
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# start_script NAME COMMAND...: a detached 120x40 session running COMMAND
# with the test's locale and an empty config folder, recording its status
start_script() {
  name=$1; shift
  {
    echo '#!/bin/sh'
    echo "export LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CONFIG_HOME=\"$tmp/xdg\""
    echo "$*"
    echo "echo EXIT=\$? >\"$tmp/$name.exit\""
  } >"$tmp/$name.sh"
  chmod +x "$tmp/$name.sh"
  # a server whose last session just ended may still be exiting: try again
  $T new-session -d -s "$name" -x 120 -y 40 "$tmp/$name.sh" 2>/dev/null ||
    { sleep 1; $T new-session -d -s "$name" -x 120 -y 40 "$tmp/$name.sh"; }
}

cap() { $T capture-pane -p -t "$1" 2>/dev/null; }

# alive NAME: true while NAME's program runs and for 5 s after it ended
# (what it printed last may still be reaching the screen)
alive() {
  [ -f "$tmp/$1.exit" ] || return 0
  [ "$(date +%s)" -le $(($(stat -c %Y "$tmp/$1.exit") + 5)) ]
}

# wait_for NAME PATTERN [SECONDS]: poll NAME's screen for an extended
# regexp; gives up as soon as NAME's program is no longer alive
wait_for() {
  end=$(($(date +%s) + ${3:-60}))
  while [ "$(date +%s)" -le "$end" ]; do
    cap "$1" | grep -Eq -- "$2" && return 0
    alive "$1" || return 1
    sleep 0.2
  done
  return 1
}

# finish NAME: the test's exit status from the failure count
finish() {
  [ "$fails" = 0 ] || exit 1
  echo "$1: all checks passed"
  exit 0
}
