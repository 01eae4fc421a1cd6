# fish completion for sess(1)

function __sess_names
	sess -l -1 2>/dev/null
end

function __sess_saved
	sess -l 2>/dev/null | awk 'NR > 1 && $2 == "saved" { print $1 }'
end

function __sess_no_subcommand
	not __fish_seen_subcommand_from send dump adopt checkpoint restore migrate upgrade
end

complete -c sess -f
complete -c sess -n __sess_no_subcommand -a 'send dump adopt checkpoint restore migrate upgrade' -d 'subcommand'
complete -c sess -n __sess_no_subcommand -s c -d 'create and attach'
complete -c sess -n __sess_no_subcommand -s n -d 'create detached'
complete -c sess -n __sess_no_subcommand -s A -d 'attach, creating if needed'
complete -c sess -n __sess_no_subcommand -s a -d 'attach'
complete -c sess -n __sess_no_subcommand -s N -d 'server in the foreground'
complete -c sess -n __sess_no_subcommand -s l -d 'list sessions'
complete -c sess -n __sess_no_subcommand -s k -d 'end a session'
complete -c sess -n __sess_no_subcommand -s q -d 'quiet'
complete -c sess -n __sess_no_subcommand -s r -d 'read-only'
complete -c sess -n __sess_no_subcommand -s L -d 'never set the size'
complete -c sess -n __sess_no_subcommand -s E -d 'no detach chord'
complete -c sess -n __sess_no_subcommand -s e -x -d 'detach chord'
complete -c sess -n __sess_no_subcommand -s f -d 'replace an exited session'
complete -c sess -n __sess_no_subcommand -s 1 -d 'names only'
complete -c sess -n __sess_no_subcommand -s V -d 'with versions'
complete -c sess -n __sess_no_subcommand -s h -d 'help'
complete -c sess -n __sess_no_subcommand -s v -d 'version'
complete -c sess -n __sess_no_subcommand -a '(__sess_names)' -d 'session'
complete -c sess -n '__fish_seen_subcommand_from send dump upgrade' -a '(__sess_names)' -d 'session'
complete -c sess -n '__fish_seen_subcommand_from send' -s k -d 'key names'
complete -c sess -n '__fish_seen_subcommand_from dump' -s a -d 'colours'
complete -c sess -n '__fish_seen_subcommand_from dump' -s s -d 'scrollback'
complete -c sess -n '__fish_seen_subcommand_from adopt' -a '(__fish_complete_pids)'
complete -c sess -n '__fish_seen_subcommand_from adopt' -s n -d 'do not attach'
complete -c sess -n '__fish_seen_subcommand_from adopt' -s q -d 'quiet'
complete -c sess -n '__fish_seen_subcommand_from adopt' -s e -x -d 'detach chord'
complete -c sess -n '__fish_seen_subcommand_from checkpoint migrate' -a '(__sess_names)' -d 'session'
complete -c sess -n '__fish_seen_subcommand_from checkpoint' -s r -d 'leave it running'
complete -c sess -n '__fish_seen_subcommand_from checkpoint' -s A -d 'every live session'
complete -c sess -n '__fish_seen_subcommand_from restore' -a '(__sess_saved)' -d 'saved session'
