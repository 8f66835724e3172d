#!/bin/sh
# Imports the SOC engine's Kibana saved objects (every *.ndjson beside this script: data views,
# visualizations, saved searches, dashboards) through Kibana's saved-objects API, replacing objects
# of the same id, so that Kibana shows the dashboards of the checked-out version.
#
#   dashboards/kibana/import.sh                        # Kibana at http://localhost:5601
#   KIBANA_URL=https://kibana.example:5601 KIBANA_USER=elastic KIBANA_PASSWORD=... dashboards/kibana/import.sh
#   KIBANA_SPACE=soc dashboards/kibana/import.sh       # into a space other than the default
#
# The compose stack runs it at start (service kibana-dashboards). All files go in one request:
# the dashboards of one file use visualizations and data views of another, and Kibana resolves
# references within an import, not across imports.
set -eu
DIR=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
KIBANA_URL=${KIBANA_URL:-http://localhost:5601}
KIBANA_URL=${KIBANA_URL%/}
if [ -n "${KIBANA_SPACE:-}" ]; then
    KIBANA_URL="$KIBANA_URL/s/$KIBANA_SPACE"
fi

bundle=$(mktemp)
response=$(mktemp)
trap 'rm -f "$bundle" "$response"' EXIT
found=0
for f in "$DIR"/*.ndjson; do
    [ -e "$f" ] || continue
    found=$((found + 1))
    cat "$f" >>"$bundle"
done
if [ "$found" = 0 ]; then
    echo "no saved objects (*.ndjson) in $DIR" >&2
    exit 1
fi
objects=$(grep -c . "$bundle")
echo "importing $objects saved objects from $found files of $DIR into $KIBANA_URL"

# The credentials go to curl on its standard input (a config), never on its command line, where
# any user of the machine could read them.
status=$(
    {
        if [ -n "${KIBANA_USER:-}" ]; then
            printf 'user = "%s:%s"\n' "$KIBANA_USER" "${KIBANA_PASSWORD:-}"
        fi
    } | curl -sS -K - -o "$response" -w '%{http_code}' -X POST \
        "$KIBANA_URL/api/saved_objects/_import?overwrite=true" \
        -H 'kbn-xsrf: soc-engine' --form file=@"$bundle;filename=soc-engine.ndjson"
)
if [ "$status" != 200 ] || ! grep -q '"success":true' "$response"; then
    echo "Kibana refused the import (HTTP $status):" >&2
    cat "$response" >&2
    echo >&2
    exit 1
fi
echo "imported: $(sed -n 's/.*"successCount":\([0-9]*\).*/\1/p' "$response") objects"
echo "dashboards: $KIBANA_URL/app/dashboards#/view/soc-overview (also soc-department, soc-incident-view)"
