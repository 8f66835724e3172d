#!/usr/bin/env bash
# Kafka ACLs that make the department trust policy hold (docs/kafka-acls.md).
#
# One principal per department, allowed to WRITE only to its own soc.raw.<source>.<department>
# topics; the detection job's principal reads every raw topic and writes the engine's own topics;
# the escalation job's principal reads alerts and writes incidents and notifications; the rule
# admins' principal publishes rules; analysts' tooling publishes status changes. Nothing
# else may write to a raw topic. Run against a broker with an authorizer
# (authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer) and
# allow.everyone.if.no.acl.found=false, as a super user, e.g.:
#
#   KAFKA_BIN=/opt/kafka/bin BOOTSTRAP=soc-kafka:9093 ADMIN_CONFIG=admin.properties \
#     DEPARTMENTS=connectors/src/main/resources/org/socengine/connectors/enrich/departments.tsv \
#     docker/kafka-acls.sh
#
# DRY_RUN=1 prints the commands instead of running them. Idempotent: kafka-acls.sh --add of an
# existing ACL changes nothing.
set -euo pipefail

KAFKA_BIN=${KAFKA_BIN:-/opt/kafka/bin}
BOOTSTRAP=${BOOTSTRAP:-localhost:9093}
ADMIN_CONFIG=${ADMIN_CONFIG:-admin.properties}
DEPARTMENTS=${DEPARTMENTS:-connectors/src/main/resources/org/socengine/connectors/enrich/departments.tsv}
# Raw sources: the decoders of the engine (Decoders.sources()).
SOURCES=${SOURCES:-"syslog cef leef asa web suricata zeek netflow winlog dns"}
# Principals; SCRAM users are User:<name>, mutual TLS users User:CN=<name>,...
JOB_PRINCIPAL=${JOB_PRINCIPAL:-User:soc-detection}
JOB_GROUP=${JOB_GROUP:-soc-detection}
ESCALATION_PRINCIPAL=${ESCALATION_PRINCIPAL:-User:soc-escalation}
ESCALATION_GROUP=${ESCALATION_GROUP:-soc-escalation}
RULES_PRINCIPAL=${RULES_PRINCIPAL:-User:soc-rules-admin}
ANALYSTS_PRINCIPAL=${ANALYSTS_PRINCIPAL:-User:soc-analysts}
# Collectors the SOC runs itself, allowed on the shared topics (leave empty for none).
COLLECTOR_PRINCIPAL=${COLLECTOR_PRINCIPAL:-}
department_principal() { printf 'User:dept-%s' "$1"; }

acl() {
  local cmd=("$KAFKA_BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP"
             --command-config "$ADMIN_CONFIG" --add --force "$@")
  if [[ -n "${DRY_RUN:-}" ]]; then
    printf '%q ' "${cmd[@]}"
    printf '\n'
  else
    "${cmd[@]}"
  fi
}

departments() {
  # id<TAB>name<TAB>cidrs, '#' comments: the same file the engine reads.
  grep -v '^[[:space:]]*#' "$DEPARTMENTS" | awk -F'\t' 'NF >= 2 && $1 != "" { print $1 }'
}

# 1. Each department writes its own raw topics, and nothing else.
for dept in $(departments); do
  principal=$(department_principal "$dept")
  for source in $SOURCES; do
    acl --allow-principal "$principal" --operation Write --operation Describe \
        --topic "soc.raw.$source.$dept"
  done
  # Idempotent producers (the default of modern clients) need this on the cluster.
  acl --allow-principal "$principal" --operation IdempotentWrite --cluster
done

# 2. The detection job reads every raw topic (the shared ones and every department's), with its
#    consumer group, and writes what it produces.
acl --allow-principal "$JOB_PRINCIPAL" --operation Read --operation Describe \
    --topic soc.raw. --resource-pattern-type prefixed
acl --allow-principal "$JOB_PRINCIPAL" --operation Read --operation Describe \
    --topic soc.rules --topic soc.alert-status --topic soc.intel
acl --allow-principal "$JOB_PRINCIPAL" --operation Write --operation Describe \
    --topic soc.dlq --topic soc.alerts --topic soc.rules.status --topic soc.incidents
acl --allow-principal "$JOB_PRINCIPAL" --operation Read \
    --group "$JOB_GROUP" --resource-pattern-type prefixed
acl --allow-principal "$JOB_PRINCIPAL" --operation IdempotentWrite --cluster

# 2b. The escalation job (EscalationJobMain) reads alerts, analysts' status changes, its policy and
#     its delivery ledger (read back when the dispatcher starts); writes incidents, delivery
#     outcomes, the ledger, unreadable alerts, policy verdicts and the closes of a closed
#     incident's alerts (also what its acknowledgement endpoint publishes). It writes no alert,
#     rule or raw record. Consumer groups: --group and the -alert-status / -policy groups after it.
acl --allow-principal "$ESCALATION_PRINCIPAL" --operation Read --operation Describe \
    --topic soc.alerts --topic soc.alert-status --topic soc.escalation-policy \
    --topic soc.notifications.delivered
acl --allow-principal "$ESCALATION_PRINCIPAL" --operation Write --operation Describe \
    --topic soc.incidents --topic soc.notifications --topic soc.notifications.delivered \
    --topic soc.dlq --topic soc.escalation-policy.status --topic soc.alert-status
acl --allow-principal "$ESCALATION_PRINCIPAL" --operation Read \
    --group "$ESCALATION_GROUP" --resource-pattern-type prefixed
acl --allow-principal "$ESCALATION_PRINCIPAL" --operation IdempotentWrite --cluster

# 3. Rule admins publish rules (./soc rules deploy) and read the job's verdicts.
acl --allow-principal "$RULES_PRINCIPAL" --operation Write --operation Describe --topic soc.rules
acl --allow-principal "$RULES_PRINCIPAL" --operation Read --operation Describe \
    --topic soc.rules.status
acl --allow-principal "$RULES_PRINCIPAL" --operation Read \
    --group soc-rules- --resource-pattern-type prefixed

# 4. Analysts' tooling publishes status changes (./soc alerts ack|close, ./soc incidents
#    ack|close).
acl --allow-principal "$ANALYSTS_PRINCIPAL" --operation Write --operation Describe \
    --topic soc.alert-status

# 5. Collectors the SOC runs may write the shared topics; configure
#    topic.soc.raw.<source>.trust_header=true for those whose department header it trusts.
if [[ -n "$COLLECTOR_PRINCIPAL" ]]; then
  for source in $SOURCES; do
    acl --allow-principal "$COLLECTOR_PRINCIPAL" --operation Write --operation Describe \
        --topic "soc.raw.$source"
  done
  acl --allow-principal "$COLLECTOR_PRINCIPAL" --operation IdempotentWrite --cluster
fi
