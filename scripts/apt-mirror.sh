#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt already uses for SUITE (default bookworm): the first
# enabled `deb` source that serves exactly that suite, read in apt's own order from
# /etc/apt/sources.list, then /etc/apt/sources.list.d/*.list (one-line form) and *.sources (deb822
# form), sorted by name. Only http, https and file URIs count (what debootstrap can fetch from).
# The project names no mirror host of its own; scripts/package.sh --check uses this instead.
# Exits 1 with one line on stderr when no source serves SUITE. APT_SOURCES_DIR (default /etc/apt)
# points it elsewhere, for a test.
#
#   scripts/apt-mirror.sh [SUITE]
set -euo pipefail
suite=${1:-bookworm}
etc=${APT_SOURCES_DIR:-/etc/apt}

files=()
[ -f "$etc/sources.list" ] && files+=("$etc/sources.list")
for file in "$etc"/sources.list.d/*; do
  case "$file" in *.list | *.sources) files+=("$file") ;; esac
done

mirror=""
for file in "${files[@]}"; do
  case "$file" in
    *.sources)
      # deb822: stanzas separated by blank lines; fields Types, URIs, Suites, Enabled.
      mirror=$(awk -v suite="$suite" '
        function flush() {
          if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " suite " ")) {
            n = split(uris, list, " ")
            for (i = 1; i <= n; i++) {
              if (list[i] ~ /^(https?|file):/) { print list[i]; found = 1; exit }
            }
          }
          types = uris = suites = enabled = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        /^[ \t]/ {  # a continuation line of the field above
          if (field == "types") types = types " " $0
          else if (field == "uris") uris = uris " " $0
          else if (field == "suites") suites = suites " " $0
          next
        }
        {
          field = tolower($1); sub(/:$/, "", field); $1 = ""; sub(/^[ \t]+/, "")
          if (field == "types") types = $0
          else if (field == "uris") uris = $0
          else if (field == "suites") suites = $0
          else if (field == "enabled") enabled = tolower($0)
        }
        END { if (!found) flush() }' "$file")
      ;;
    *)
      # One line per source: deb [options] URI SUITE COMPONENT...
      mirror=$(awk -v suite="$suite" '
        $1 != "deb" { next }
        {
          line = $0; sub(/^deb[ \t]+/, "", line)
          if (line ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "", line)
          split(line, words, /[ \t]+/)
          if (words[2] == suite && words[1] ~ /^(https?|file):/) { print words[1]; exit }
        }' "$file")
      ;;
  esac
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ]; then
  echo "apt-mirror: no enabled 'deb' source for $suite in $etc/sources.list or $etc/sources.list.d/; add one" >&2
  exit 1
fi
echo "$mirror"
