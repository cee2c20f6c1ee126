# cli_lib.sh: what the command-line tests share; sourced, not run. The
# binary under test, a temp folder removed on exit, an empty config folder
# (so a user's ~/.config/rnntop never leaks in), and failure counting.
set -u
RNNTOP=${RNNTOP:-./rnntop}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME="$tmp/xdg"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
