#compdef sess
# zsh completion for sess(1)

_sess_names() {
	local -a names
	names=(${(f)"$(sess -l -1 2>/dev/null)"})
	_describe -t sessions 'session' names
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
		    'commands:command:(send dump adopt upgrade)' ;;
	esac
}

_sess "$@"
