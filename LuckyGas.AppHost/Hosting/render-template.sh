#!/bin/sh
# Renders a configuration template inside a container, as ConfigTemplate.RenderOnce does in run
# mode: each {{name}} placeholder is replaced by the environment variable CONF_name, and the
# target is written only when it does not exist yet, because repmgr and Sentinel rewrite these
# files at run time and a restarted container must keep what they wrote.
#
# Usage: render-template.sh TEMPLATE TARGET
set -eu

template=$1
target=$2
[ -e "$target" ] && exit 0

# Bracket expressions instead of \{ keep the pattern portable between mawk and gawk.
awk '
{
    while (match($0, /[{][{][a-z_]+[}][}]/)) {
        name = substr($0, RSTART + 2, RLENGTH - 4)
        if (!(("CONF_" name) in ENVIRON)) {
            printf "The placeholder {{%s}} in %s has no value: set CONF_%s.\n", name, FILENAME, name > "/dev/stderr"
            exit 2
        }
        $0 = substr($0, 1, RSTART - 1) ENVIRON["CONF_" name] substr($0, RSTART + RLENGTH)
    }
    print
}' "$template" > "$target.tmp" || { rm -f "$target.tmp"; exit 2; }
chmod 600 "$target.tmp"
mv "$target.tmp" "$target"
