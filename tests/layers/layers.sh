#!/bin/sh
# layers.sh [ROOT]: checks that no file includes a header across a forbidden
# layer (../shared/DESIGN.md, "Direction of dependencies").  Prints one line
# per violation, "FILE:LINE: what", and exits 1 when there is any.
#
# A folder's face is its one public header (lib.h, net.h, ...); its
# *_internal.h and other private headers are for its own files only.
# Nothing outside ui/ includes curses.

root=${1:-.}

# folder: the folders whose faces it may include (besides its own).
allowed() {
	case "$1" in
	lib) echo "" ;;
	net) echo "lib" ;;
	mime) echo "lib" ;;
	config) echo "lib" ;;
	proto) echo "net lib" ;;
	auth) echo "net mime lib" ;;
	store) echo "proto net mime auth config lib" ;;
	ui) echo "store mime auth config lib" ;;
	frank) echo "ui store proto auth mime net config lib" ;;
	frankd) echo "net auth mime config proto lib" ;;
	*) echo "?" ;;
	esac
}

# The folder whose face a header name is, or "" for another name.
face_of() {
	case "$1" in
	lib.h|net.h|mime.h|config.h|proto.h|auth.h|store.h|ui.h) echo "${1%.h}" ;;
	*) echo "" ;;
	esac
}

status=0
report() { echo "$1"; status=1; }

check_file() { # path folder
	file=$1
	folder=$2
	ok_faces=" $(allowed "$folder") $folder "
	grep -n '^[[:space:]]*#[[:space:]]*include' "$file" | while IFS= read -r line; do
		num=${line%%:*}
		inc=$(printf '%s\n' "$line" | sed -n 's/.*include[[:space:]]*[<"]\([^">]*\)[">].*/\1/p')
		case "$line" in
		*'<'*) # a system or library header: only curses is restricted
			case "$inc" in
			curses.h|ncurses.h|ncursesw/*|ncurses/*|term.h|panel.h|menu.h|form.h)
				[ "$folder" = ui ] ||
					echo "$file:$num: includes $inc: only ui/ may use curses" ;;
			esac
			continue ;;
		esac
		case "$inc" in
		../../config.h|../config.h) ;; # configure's build settings
		*_internal.h)
			[ "${inc%_internal.h}" = "$folder" ] ||
				echo "$file:$num: includes $inc, private to another folder" ;;
		*/*) echo "$file:$num: includes $inc by path: include a folder's face by name" ;;
		*)
			face=$(face_of "$inc")
			if [ -n "$face" ]; then
				case "$ok_faces" in
				*" $face "*) ;;
				*) echo "$file:$num: $folder/ may not include $inc ($folder -> $face breaks the layer order)" ;;
				esac
			elif [ ! -f "$(dirname "$file")/$inc" ]; then
				echo "$file:$num: includes \"$inc\", which is not in its folder"
			fi ;;
		esac
	done
}

out=$(
	for dir in "$root"/src/* "$root"/ui; do
		[ -d "$dir" ] || continue
		folder=$(basename "$dir")
		for f in "$dir"/*.c "$dir"/*.h; do
			[ -f "$f" ] && check_file "$f" "$folder"
		done
	done
)
if [ -n "$out" ]; then
	report "$out"
fi
exit $status
