# Source from ~/.profile or ~/.bashrc: on an interactive SSH login outside
# of any session, offer to reattach to a detached session.
if [ -n "$SSH_TTY" ] && [ -z "$SESS" ] && [ -t 0 ] && command -v sess >/dev/null 2>&1; then
	_sess_detached=$(sess -l 2>/dev/null | awk 'NR > 1 && $2 == "detached" { print $1 }')
	if [ -n "$_sess_detached" ]; then
		echo "Detached sessions: $(echo $_sess_detached)"
		printf 'Attach to which (empty for none)? '
		read -r _sess_pick
		[ -n "$_sess_pick" ] && sess -a "$_sess_pick"
	fi
	unset _sess_detached _sess_pick
fi
