# bash completion for sess(1)

_sess_names()
{
	sess -l -1 2>/dev/null
}

# Saved sessions only: the ones restore takes.
_sess_saved()
{
	sess -l 2>/dev/null | awk 'NR > 1 && $2 == "saved" { print $1 }'
}

_sess()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null 2>&1; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local sub= i mode=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		send|dump|adopt|upgrade|checkpoint|restore|migrate)
			[[ $i == 1 ]] && sub=${words[i]} ;;
		-*[cnAN]*) mode=new ;;
		-*[ak]*) mode=existing ;;
		esac
	done

	case $prev in
	-e) COMPREPLY=($(compgen -W "'C-\\' 'C-a d' 'C-b d' 'C-q'" -- "$cur")); return ;;
	esac

	case $sub in
	send|dump)
		if [[ $cur == -* ]]; then
			[[ $sub == send ]] && COMPREPLY=($(compgen -W "-k" -- "$cur"))
			[[ $sub == dump ]] && COMPREPLY=($(compgen -W "-a -s" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_sess_names)" -- "$cur"))
		fi
		return ;;
	upgrade)
		COMPREPLY=($(compgen -W "$(_sess_names)" -- "$cur"))
		return ;;
	checkpoint)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-r -A" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_sess_names)" -- "$cur"))
		fi
		return ;;
	restore)
		[[ $cword == 2 ]] &&
			COMPREPLY=($(compgen -W "$(_sess_saved)" -- "$cur"))
		return ;;
	migrate)
		if [[ $cword == 2 ]]; then
			COMPREPLY=($(compgen -W "$(_sess_names)" -- "$cur"))
		elif [[ $cword == 3 ]]; then
			COMPREPLY=($(compgen -A hostname -- "$cur"))
		fi
		return ;;
	adopt)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-n -q -e" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(ps -u "$(id -u)" -o pid= 2>/dev/null)" -- "$cur"))
		fi
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-c -n -A -a -N -l -k -q -r -L -E -e -f -1 -V -h -v --" -- "$cur"))
	elif [[ $cword == 1 ]]; then
		COMPREPLY=($(compgen -W "send dump adopt checkpoint restore migrate upgrade" -- "$cur"))
	elif [[ $mode == existing || $mode == new ]]; then
		COMPREPLY=($(compgen -W "$(_sess_names)" -- "$cur"))
	fi
}
complete -F _sess sess
