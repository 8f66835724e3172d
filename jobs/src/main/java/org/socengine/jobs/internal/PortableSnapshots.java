package org.socengine.jobs.internal;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registry's Prometheus snapshots in a form made of JDK types only ({@code String}, {@code
 * Double}, arrays, lists and maps), so that a copy of this class in one class loader can hand them
 * to a copy in another: on a TaskManager the job's operators count in the job's class loader, the
 * metric reporter serves them from the plugin's (docs/metrics.md, "On a Flink cluster").
 *
 * <p>A family is a map: {@code name}, {@code type} ({@code counter}, {@code gauge}, {@code
 * histogram}, {@code summary}), {@code help}, {@code unit} (or absent), {@code points}. A point:
 * {@code labels} (names then values, one {@code String[]} each), then {@code value}, or for a
 * histogram {@code bounds}, {@code counts} and {@code sum}, for a summary {@code count}, {@code
 * sum}, {@code quantiles} and {@code quantileValues}. Both copies are this same source, so the form
 * needs no version.
 */
final class PortableSnapshots {

    private PortableSnapshots() {}

    static List<Map<String, Object>> toPortable(MetricSnapshots snapshots) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MetricSnapshot s : snapshots) {
            String type;
            if (s instanceof CounterSnapshot) {
                type = "counter";
            } else if (s instanceof GaugeSnapshot) {
                type = "gauge";
            } else if (s instanceof HistogramSnapshot h && !h.isGaugeHistogram()) {
                type = "histogram";
            } else if (s instanceof SummarySnapshot) {
                type = "summary";
            } else {
                // The engine's meters make none of the other kinds (info, state set, unknown).
                continue;
            }
            MetricMetadata md = s.getMetadata();
            Map<String, Object> family = new HashMap<>();
            family.put("name", md.getName());
            family.put("type", type);
            family.put("help", md.getHelp());
            if (md.hasUnit()) {
                family.put("unit", md.getUnit().toString());
            }
            List<Map<String, Object>> points = new ArrayList<>();
            for (DataPointSnapshot p : s.getDataPoints()) {
                Map<String, Object> point = new HashMap<>();
                Labels labels = p.getLabels();
                String[] names = new String[labels.size()];
                String[] values = new String[labels.size()];
                for (int i = 0; i < labels.size(); i++) {
                    names[i] = labels.getName(i);
                    values[i] = labels.getValue(i);
                }
                point.put("labelNames", names);
                point.put("labelValues", values);
                if (p instanceof CounterDataPointSnapshot c) {
                    point.put("value", c.getValue());
                } else if (p instanceof GaugeDataPointSnapshot g) {
                    point.put("value", g.getValue());
                } else if (p instanceof HistogramDataPointSnapshot h) {
                    ClassicHistogramBuckets b = h.getClassicBuckets();
                    double[] bounds = new double[b.size()];
                    long[] counts = new long[b.size()];
                    for (int i = 0; i < b.size(); i++) {
                        bounds[i] = b.getUpperBound(i);
                        counts[i] = b.getCount(i);
                    }
                    point.put("bounds", bounds);
                    point.put("counts", counts);
                    point.put("sum", h.hasSum() ? h.getSum() : Double.NaN);
                } else if (p instanceof SummaryDataPointSnapshot m) {
                    point.put("count", m.getCount());
                    point.put("sum", m.hasSum() ? m.getSum() : Double.NaN);
                    Quantiles q = m.getQuantiles();
                    double[] qs = new double[q.size()];
                    double[] vs = new double[q.size()];
                    for (int i = 0; i < q.size(); i++) {
                        qs[i] = q.get(i).getQuantile();
                        vs[i] = q.get(i).getValue();
                    }
                    point.put("quantiles", qs);
                    point.put("quantileValues", vs);
                }
                points.add(point);
            }
            family.put("points", points);
            out.add(family);
        }
        return out;
    }

    /**
     * The families of several sources as one set of snapshots, for one endpoint: the same series
     * (family and labels) of two sources is added up (counters, histograms, a summary's count and
     * sum) or, for a gauge, the larger is taken (the newest event time, the indicators every
     * subtask holds alike). Families named in {@code skip} (those the endpoint serves itself) and
     * anything not in the portable form are left out.
     */
    static List<MetricSnapshot> merge(List<?> sources, Set<String> skip) {
        Map<String, Family> families = new LinkedHashMap<>();
        for (Object source : sources) {
            if (!(source instanceof List<?> list)) {
                continue;
            }
            for (Object f : list) {
                if (!(f instanceof Map<?, ?> m)
                        || !(m.get("name") instanceof String name)
                        || !(m.get("type") instanceof String type)
                        || skip.contains(name)) {
                    continue;
                }
                Family family =
                        families.computeIfAbsent(
                                name,
                                n ->
                                        new Family(
                                                n,
                                                type,
                                                m.get("help") instanceof String h ? h : null,
                                                m.get("unit") instanceof String u ? u : null));
                if (!family.type.equals(type) || !(m.get("points") instanceof List<?> points)) {
                    continue;
                }
                for (Object p : points) {
                    if (p instanceof Map<?, ?> point) {
                        family.add(point);
                    }
                }
            }
        }
        List<MetricSnapshot> out = new ArrayList<>();
        for (Family f : families.values()) {
            MetricSnapshot s = f.snapshot();
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** One family of the merge: its points by labels, added up as they come. */
    private static final class Family {
        final String name;
        final String type;
        final String help;
        final String unit;
        final Map<Labels, Point> points = new LinkedHashMap<>();

        Family(String name, String type, String help, String unit) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.unit = unit;
        }

        void add(Map<?, ?> p) {
            if (!(p.get("labelNames") instanceof String[] names)
                    || !(p.get("labelValues") instanceof String[] values)
                    || names.length != values.length) {
                return;
            }
            Labels labels = Labels.of(names, values);
            Point was = points.get(labels);
            switch (type) {
                case "counter", "gauge" -> {
                    if (!(p.get("value") instanceof Double v)) {
                        return;
                    }
                    if (was == null) {
                        points.put(labels, new Point(v));
                    } else {
                        was.value = type.equals("counter") ? was.value + v : Math.max(was.value, v);
                    }
                }
                case "histogram" -> {
                    if (!(p.get("bounds") instanceof double[] bounds)
                            || !(p.get("counts") instanceof long[] counts)
                            || bounds.length != counts.length
                            || !(p.get("sum") instanceof Double sum)) {
                        return;
                    }
                    if (was == null) {
                        Point n = new Point(sum);
                        n.bounds = bounds.clone();
                        n.counts = counts.clone();
                        points.put(labels, n);
                    } else if (Arrays.equals(was.bounds, bounds)) {
                        was.value += sum;
                        for (int i = 0; i < counts.length; i++) {
                            was.counts[i] += counts[i];
                        }
                    }
                    // Other bounds: another version of the engine in the same process; its
                    // buckets cannot be added to these, the first one's stay.
                }
                case "summary" -> {
                    if (!(p.get("count") instanceof Long count)
                            || !(p.get("sum") instanceof Double sum)) {
                        return;
                    }
                    if (was == null) {
                        Point n = new Point(sum);
                        n.count = count;
                        if (p.get("quantiles") instanceof double[] qs
                                && p.get("quantileValues") instanceof double[] vs
                                && qs.length == vs.length) {
                            n.bounds = qs.clone();
                            n.quantileValues = vs.clone();
                        }
                        points.put(labels, n);
                    } else {
                        was.value += sum;
                        was.count += count;
                        // Quantiles of two sources do not add up: none is better than a wrong one.
                        was.bounds = null;
                        was.quantileValues = null;
                    }
                }
                default -> {}
            }
        }

        MetricSnapshot snapshot() {
            MetricMetadata md =
                    new MetricMetadata(name, help, unit == null ? null : new Unit(unit));
            switch (type) {
                case "counter" -> {
                    List<CounterDataPointSnapshot> ps = new ArrayList<>();
                    points.forEach(
                            (l, p) ->
                                    ps.add(
                                            CounterDataPointSnapshot.builder()
                                                    .value(p.value)
                                                    .labels(l)
                                                    .build()));
                    return new CounterSnapshot(md, ps);
                }
                case "gauge" -> {
                    List<GaugeDataPointSnapshot> ps = new ArrayList<>();
                    points.forEach(
                            (l, p) ->
                                    ps.add(
                                            GaugeDataPointSnapshot.builder()
                                                    .value(p.value)
                                                    .labels(l)
                                                    .build()));
                    return new GaugeSnapshot(md, ps);
                }
                case "histogram" -> {
                    List<HistogramDataPointSnapshot> ps = new ArrayList<>();
                    points.forEach(
                            (l, p) ->
                                    ps.add(
                                            new HistogramDataPointSnapshot(
                                                    ClassicHistogramBuckets.of(p.bounds, p.counts),
                                                    p.value,
                                                    l,
                                                    Exemplars.EMPTY,
                                                    0L)));
                    return new HistogramSnapshot(md, ps);
                }
                case "summary" -> {
                    List<SummaryDataPointSnapshot> ps = new ArrayList<>();
                    points.forEach(
                            (l, p) -> {
                                List<Quantile> qs = new ArrayList<>();
                                if (p.bounds != null) {
                                    for (int i = 0; i < p.bounds.length; i++) {
                                        qs.add(new Quantile(p.bounds[i], p.quantileValues[i]));
                                    }
                                }
                                ps.add(
                                        new SummaryDataPointSnapshot(
                                                p.count,
                                                p.value,
                                                Quantiles.of(qs),
                                                l,
                                                Exemplars.EMPTY,
                                                0L));
                            });
                    return new SummarySnapshot(md, ps);
                }
                default -> {
                    return null;
                }
            }
        }
    }

    /**
     * A series being added up: {@code value} is a counter's or gauge's value, a histogram's or
     * summary's sum; {@code bounds} a histogram's upper bounds or a summary's quantiles.
     */
    private static final class Point {
        double value;
        double[] bounds;
        long[] counts;
        long count;
        double[] quantileValues;

        Point(double value) {
            this.value = value;
        }
    }
}
