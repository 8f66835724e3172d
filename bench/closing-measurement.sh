#!/bin/bash
# Issue 18's closing measurement (docs/benchmarks.md, "Issue 18's targets: the closing measurement"):
# every run one after the other, from the root of a fresh clone, each alone on the machine.
#   bench/closing-measurement.sh [WORK_DIR]      (default /tmp/soc-closing; needs ~15 GB free there)
# Writes each run's output and a timeline (log.txt, with the load average) to WORK_DIR.
set -u
F=${1:-/tmp/soc-closing}
mkdir -p "$F"
log() { echo "=== $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) $*" | tee -a "$F/log.txt"; }
GEN="java -cp bench/target/benchmarks.jar org.socengine.bench.SshdLogGenerator"
log "at $(git rev-parse --short HEAD)"
mvn -o -q -B package -DskipTests -Dsoc.it.skip=true > "$F/build.txt" 2>&1 || { log "build failed"; exit 1; }
log "bench: five million events, 100 rules"
./soc bench --work-dir "$F/w" > "$F/bench-5m.txt" 2>&1; log "rc=$?"
for p in 1 2 4; do
  log "bench: a million events, P=$p"
  ./soc bench --events 1000000 --parallelism $p --work-dir "$F/w" > "$F/bench-1m-p$p.txt" 2>&1; log "rc=$?"
done
for v in "100000 10 thresholds" "100000 1000 thresholds" "300000 10 departments" "300000 1000 departments"; do
  set -- $v
  log "bench: $2 rules, $3 variants, $1 events"
  SOC_JAVA_OPTS="-Xms256m -Xmx3g" ./soc bench --events $1 --rules $2 --variants $3 --work-dir "$F/w" \
    > "$F/variants-$2-$3.txt" 2>&1; log "rc=$?"
done
log "bench: latency mode, 5,000 events/s"
./soc bench --events 300000 --rules 100 --rate 5000 --work-dir "$F/w" > "$F/latency.txt" 2>&1; log "rc=$?"
cp "$F/w/latency.tsv" "$F/latency.tsv" 2>/dev/null
$GEN "$F/auth.log" 1000000 > /dev/null
for i in 1 2 3; do
  log "detect: a million sshd lines, run $i"
  XDG_CACHE_HOME="$F/xdg" /usr/bin/time -v ./soc detect --year 2026 --source syslog "$F/auth.log" \
    > "$F/detect-$i.ndjson" 2> "$F/detect-$i.err"; log "rc=$?"
  $GEN --check "$F/detect-$i.ndjson" >> "$F/detect-$i.err" 2>&1; log "check rc=$?"
done
cmp -s "$F/detect-2.ndjson" "$F/detect-3.ndjson" && log "warm runs byte-identical"
$GEN "$F/auth.log.gz" 1000000 > /dev/null
log "detect: the same lines, gzip"
XDG_CACHE_HOME="$F/xdg" /usr/bin/time -v ./soc detect --year 2026 --source syslog "$F/auth.log.gz" \
  > "$F/detect-gz.ndjson" 2> "$F/detect-gz.err"; log "rc=$?"
cmp -s "$F/detect-gz.ndjson" "$F/detect-2.ndjson" && log "gzip alerts byte-identical"
log "detect: 2.2 GB on stdin"
($GEN - 2000000 1000 | XDG_CACHE_HOME="$F/xdg" /usr/bin/time -v ./soc detect --year 2026 --source syslog - \
  > "$F/detect-2g.ndjson") 2> "$F/detect-2g.err"; log "rc=$?"
$GEN --check "$F/detect-2g.ndjson" >> "$F/detect-2g.err" 2>&1; log "check rc=$?"
$GEN "$F/auth-10g.log" 9400000 1000 > /dev/null
log "detect: a 10.4 GB file"
XDG_CACHE_HOME="$F/xdg" /usr/bin/time -v ./soc detect --year 2026 --source syslog "$F/auth-10g.log" \
  > "$F/detect-10g.ndjson" 2> "$F/detect-10g.err"; log "rc=$?"
$GEN --check "$F/detect-10g.ndjson" >> "$F/detect-10g.err" 2>&1; log "check rc=$?"
rm -f "$F/auth.log" "$F/auth.log.gz" "$F/auth-10g.log"
log "JMH: Esper alone, 10 and 100 rules"
java -jar bench/target/benchmarks.jar EsperRulesBenchmark -p rules=10,100 -wi 3 -w 20 -i 3 -r 10 \
  -rf json -rff "$F/esper.json" > "$F/jmh.txt" 2>&1; log "rc=$?"
log done
