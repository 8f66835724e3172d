#!/bin/sh
# Imports every Kibana saved-objects export in /dashboards (dashboards/kibana/*.ndjson), replacing
# objects of the same id, so a restarted stack shows the dashboards of the checked-out version.
set -eu
KIBANA_URL=${KIBANA_URL:-http://kibana:5601}
found=0
for f in /dashboards/*.ndjson; do
    [ -e "$f" ] || continue
    found=1
    echo "importing $f"
    curl -fsS -X POST "$KIBANA_URL/api/saved_objects/_import?overwrite=true" \
        -H 'kbn-xsrf: true' --form file=@"$f" >/dev/null
done
[ "$found" = 1 ] || echo "no Kibana dashboards in dashboards/kibana yet"
