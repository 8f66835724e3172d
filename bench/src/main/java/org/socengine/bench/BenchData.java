package org.socengine.bench;

import java.util.ArrayList;
import java.util.List;
import org.socengine.cli.bench.TrafficMix;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SocTopics;

/** The traffic the microbenchmarks run on: the same mix {@code ./soc bench} loads into Kafka. */
final class BenchData {

    static final long START = 1_795_564_800_000L;
    static final long SEED = 20261125L;

    private BenchData() {}

    /** {@code count} raw records of one source, as the Kafka source hands them to the decoder. */
    static List<RawRecord> records(String source, int count) {
        TrafficMix mix = new TrafficMix(SEED, START, 2_000, Long.MAX_VALUE, dir());
        List<RawRecord> out = new ArrayList<>(count);
        while (out.size() < count) {
            TrafficMix.Line l = mix.next();
            if (l.source().equals(source)) {
                out.add(record(l));
            }
        }
        return out;
    }

    /** The first {@code count} lines of the mix, decoded (dead letters left out), in time order. */
    static List<SecurityEvent> events(int count) {
        TrafficMix mix = new TrafficMix(SEED, START, 2_000, count, dir());
        RecordDecoder decoder = decoder();
        List<SecurityEvent> out = new ArrayList<>(count);
        while (mix.hasNext()) {
            RecordDecoder.Outcome o = decoder.decode(record(mix.next()), 0);
            if (o.event() != null) {
                out.add(o.event());
            }
        }
        out.sort((a, b) -> Long.compare(a.timestamp, b.timestamp));
        return out;
    }

    static RecordDecoder decoder() {
        return org.socengine.jobs.internal.RuleSets.defaultDecoder();
    }

    static DepartmentDirectory dir() {
        return DepartmentDirectory.defaults();
    }

    private static RawRecord record(TrafficMix.Line l) {
        RawRecord r = RawRecord.of(l.source(), l.text());
        r.key = l.department();
        r.topic = SocTopics.raw(l.source());
        r.partition = 0;
        return r;
    }

    /** A shallow copy at another time: replays a finite sample as an endless, ordered stream. */
    static SecurityEvent at(SecurityEvent e, long timestamp) {
        SecurityEvent c = new SecurityEvent();
        c.timestamp = timestamp;
        c.event = e.event;
        c.organization = e.organization;
        c.observer = e.observer;
        c.source = e.source;
        c.destination = e.destination;
        c.network = e.network;
        c.user = e.user;
        c.host = e.host;
        c.process = e.process;
        c.dns = e.dns;
        c.url = e.url;
        c.http = e.http;
        c.user_agent = e.user_agent;
        c.file = e.file;
        c.group = e.group;
        c.rule = e.rule;
        c.threat = e.threat;
        c.fields = e.fields;
        return c;
    }
}
