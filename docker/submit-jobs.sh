#!/usr/bin/env bash
# Submits the engine's two jobs to the session cluster with `flink run`, each from its savepoint if
# one is given: the compose stack's `soc-jobs` service runs it once the JobManager is healthy, and
# an operator runs it by hand after an upgrade (docs/operations.md).
#
#   JOBMANAGER=jobmanager:8081 PARALLELISM=2 \
#   DETECTION_SAVEPOINT=file:///flink-data/savepoints/savepoint-... \
#   ESCALATION_SAVEPOINT=... /opt/soc/bin/submit-jobs.sh
#
# The connection settings come from the environment (SOC_KAFKA, SOC_ES_URL, ...; docs/configuration.md):
# the jobs' main methods run here, in the client, and ship them with the job graph.
set -euo pipefail

FLINK=${FLINK:-/opt/flink/bin/flink}
JAR=${JAR:-/opt/flink/usrlib/soc-jobs.jar}
JOBMANAGER=${JOBMANAGER:-jobmanager:8081}
PARALLELISM=${PARALLELISM:-2}
RULES=${RULES:-/opt/soc/rules/detections}
POLICY=${POLICY:-/opt/soc/escalation-policy.yml}

running() {
    # The job named $1 is already running: a restarted stack must not submit it twice.
    "$FLINK" list -r -m "$JOBMANAGER" 2>/dev/null | grep -q ": $1 (RUNNING)"
}

from_savepoint() {
    [ -n "${1:-}" ] && printf -- '-s\n%s\n' "$1"
}

if running soc-detection; then
    echo "submit-jobs: soc-detection already runs"
else
    mapfile -t sp < <(from_savepoint "${DETECTION_SAVEPOINT:-}")
    "$FLINK" run -d -m "$JOBMANAGER" -p "$PARALLELISM" "${sp[@]}" \
        -c org.socengine.jobs.detection.DetectionJobMain "$JAR" \
        --parallelism "$PARALLELISM" --rules "$RULES"
fi

if running soc-escalation; then
    echo "submit-jobs: soc-escalation already runs"
else
    mapfile -t sp < <(from_savepoint "${ESCALATION_SAVEPOINT:-}")
    "$FLINK" run -d -m "$JOBMANAGER" -p "$PARALLELISM" "${sp[@]}" \
        -c org.socengine.jobs.escalation.EscalationJobMain "$JAR" \
        --parallelism "$PARALLELISM" --policy "$POLICY"
fi
