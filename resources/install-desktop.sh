#!/bin/sh
# Install the policydiff launcher and icon for the current user, so that the app appears in the
# application menu and in "Open With" for text, Markdown and HTML files.
# Usage: sh resources/install-desktop.sh   (undo: sh resources/install-desktop.sh --uninstall)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-"$HOME/.local/share"}
apps="$data/applications"
icons="$data/icons/hicolor/scalable/apps"
if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$apps/policydiff.desktop" "$icons/policydiff.svg"
else
    mkdir -p "$apps" "$icons"
    cp "$here/policydiff.desktop" "$apps/policydiff.desktop"
    cp "$here/policydiff.svg" "$icons/policydiff.svg"
    command -v policydiff >/dev/null 2>&1 || echo "note: 'policydiff' is not on PATH; the launcher runs 'policydiff %F'" >&2
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "done"
