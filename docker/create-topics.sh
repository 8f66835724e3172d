#!/usr/bin/env bash
# Creates the engine's standard topics (SocTopics.standard(), DESIGN.md) if they are missing.
# Compacted topics: rules, intel, escalation policy, delivered-notification ledger.
set -euo pipefail
KAFKA_BIN=${KAFKA_BIN:-/opt/kafka/bin}
BOOTSTRAP=${BOOTSTRAP:-localhost:9092}
PARTITIONS=${PARTITIONS:-4}
REPLICATION=${REPLICATION:-1}

plain="soc.raw.syslog soc.raw.suricata soc.raw.zeek soc.raw.netflow soc.raw.winlog soc.raw.web
soc.raw.dns soc.dlq soc.rules.status soc.alerts soc.alert-status soc.incidents
soc.escalation-policy.status soc.notifications"
compacted="soc.rules soc.intel soc.escalation-policy soc.notifications.delivered"

for t in $plain; do
    "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
        --topic "$t" --partitions "$PARTITIONS" --replication-factor "$REPLICATION"
done
for t in $compacted; do
    "$KAFKA_BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
        --topic "$t" --partitions "$PARTITIONS" --replication-factor "$REPLICATION" \
        --config cleanup.policy=compact
done
