#compdef sess
# zsh completion for sess(1)

_sess_names() {
	local -a names
	names=(${(f)"$(sess -l -1 2>/dev/null)"})
	_describe -t sessions 'session' names
}

_sess_saved() {
	local -a names
	names=(${(f)"$(sess -l 2>/dev/null | awk 'NR > 1 && $2 == "saved" { print $1 }')"})
	_describe -t sessions 'saved session' names
}

_sess() {
	if (( CURRENT > 2 )); then
		case $words[2] in
		send)
			_arguments '-k[send key names]' '1:session:_sess_names' '*:string:'
			return ;;
		dump)
			_arguments '-a[keep colours]' '-s[with scrollback]' '1:session:_sess_names'
			return ;;
		upgrade)
			_arguments '*:session:_sess_names'
			return ;;
		adopt)
			_arguments '-n[do not attach]' '-q[quiet]' '-e[detach keys]:keys:' \
			    '1:process:_pids' '2:name:'
			return ;;
		checkpoint)
			_arguments '-r[leave it running]' '-A[every live session]' \
			    '*:session:_sess_names'
			return ;;
		restore)
			_arguments '1:saved session:_sess_saved' '2:new name:'
			return ;;
		migrate)
			_arguments '1:session:_sess_names' '2:host:_hosts'
			return ;;
		esac
	fi
	_arguments -s \
		'-c[create and attach]' '-n[create detached]' \
		'-A[attach, creating if needed]' '-a[attach]' \
		'-N[server in the foreground]' '-l[list sessions]' \
		'-k[end a session]' '-q[quiet]' '-r[read-only]' \
		'-L[never set the size]' '-E[no detach chord]' \
		'-e[detach chord]:keys:' '-f[replace an exited session]' \
		'-1[names only]' '-V[with versions]' '-h[help]' '-v[version]' \
		'1:: :->first' '*:: :_normal'
	case $state in
	first)
		_alternative 'sessions:session:_sess_names' \
		    'commands:command:(send dump adopt checkpoint restore migrate upgrade)' ;;
	esac
}

_sess "$@"
