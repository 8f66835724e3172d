package org.socengine.cli.console;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.DateHistogramAggregation;
import co.elastic.clients.elasticsearch._types.aggregations.DateHistogramBucket;
import co.elastic.clients.elasticsearch._types.aggregations.FieldDateMath;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch._types.query_dsl.Operator;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.core.search.TotalHitsRelation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.socengine.connectors.elasticsearch.AlertIndices;
import org.socengine.connectors.elasticsearch.AlertStatusRefused;
import org.socengine.connectors.elasticsearch.AlertStatusWriter;
import org.socengine.connectors.elasticsearch.IncidentIndices;
import org.socengine.connectors.elasticsearch.IncidentSearch;
import org.socengine.connectors.kafka.AlertStatusPublisher;
import org.socengine.model.AlertStatusChange;
import org.socengine.model.Timestamps;

/**
 * Everything the console reads from and writes to Elasticsearch and the status topic. Each read
 * takes the user and adds the user's department to the query ({@link #scoped}), and each change
 * first reads the document within that scope, so a liaison can neither list nor change another
 * department's alert whatever the request says.
 */
public final class ConsoleData {

    private final ElasticsearchClient client;
    private final AlertStatusPublisher publisher;

    /**
     * @param publisher where status changes go after Elasticsearch, as {@code ./soc alerts ack}
     *     publishes them; null writes Elasticsearch only ({@code --no-publish})
     */
    public ConsoleData(ElasticsearchClient client, AlertStatusPublisher publisher) {
        this(client, publisher, TOTAL_CAP);
    }

    /** With another cap of the queue's count (a test caps it low). */
    ConsoleData(ElasticsearchClient client, AlertStatusPublisher publisher, int totalCap) {
        this.client = client;
        this.publisher = publisher;
        this.totalCap = totalCap;
    }

    private final int totalCap;

    public boolean publishes() {
        return publisher != null;
    }

    /**
     * One page of the queue, the total of the filter, and the cursor of the next page. {@code
     * atLeast}: the total was capped at {@link #TOTAL_CAP} and more alerts match.
     */
    public record Page(
            List<ObjectNode> alerts, long total, boolean atLeast, AlertQueueFilter.Cursor next) {}

    /** The filters of the queue, always with the user's department when the user has one. */
    static List<Query> scoped(ConsoleUser user, AlertQueueFilter f, Instant now) {
        return scoped(user, f, now, List.of());
    }

    /**
     * @param legacy alert indices made before the template had {@code alert.search} (template
     *     version 3 and older), where free text still takes the substring scan
     */
    static List<Query> scoped(
            ConsoleUser user, AlertQueueFilter f, Instant now, List<String> legacy) {
        List<Query> q = new ArrayList<>();
        if (user.scope() != null) {
            q.add(term("organization.id", user.scope()));
        }
        if (f.department() != null) {
            q.add(term("organization.id", f.department()));
        }
        if (f.severity() != null) {
            q.add(term("rule.severity", f.severity()));
        }
        if (f.status() != null) {
            q.add(term("alert.status", f.status()));
        }
        if (f.rule() != null) {
            q.add(
                    Query.of(
                            x ->
                                    x.bool(
                                            b ->
                                                    b.should(term("rule.id", f.rule()))
                                                            .should(term("rule.name", f.rule()))
                                                            .minimumShouldMatch("1"))));
        }
        if (f.tactic() != null) {
            q.add(
                    Query.of(
                            x ->
                                    x.bool(
                                            b ->
                                                    b.should(term("threat.tactic.name", f.tactic()))
                                                            .should(
                                                                    term(
                                                                            "threat.tactic.id",
                                                                            f.tactic()))
                                                            .minimumShouldMatch("1"))));
        }
        Instant since = f.since(now);
        if (since != null || f.to() != null) {
            q.add(
                    Query.of(
                            x ->
                                    x.range(
                                            r ->
                                                    r.date(
                                                            d -> {
                                                                d.field("@timestamp");
                                                                if (since != null) {
                                                                    d.gte(
                                                                            Timestamps.format(
                                                                                    since
                                                                                            .toEpochMilli()));
                                                                }
                                                                if (f.to() != null) {
                                                                    d.lt(
                                                                            Timestamps.format(
                                                                                    f.to().toEpochMilli()));
                                                                }
                                                                return d;
                                                            }))));
        }
        if (f.text() != null) {
            q.add(freeText(f.text(), legacy));
        }
        return q;
    }

    /**
     * The free-text clause: words of the rule name or the status note; the alert id; and the
     * entity, host and user. Those three are copied at index time into {@code alert.search}
     * (standard analyzer, prefixes indexed), so plain text matches them as a phrase whose last word
     * may be a prefix ({@code 10.1.2} finds 10.1.2.7 and 10.1.20.5; {@code web-01} finds
     * web-01.so-yt.gov.vn): a term lookup, not a scan of every term. Text holding {@code *} or
     * {@code ?} is a wildcard pattern over the three fields as typed ({@code *113.77}), which scans
     * their terms and is slower. Indices made before the field existed are searched the old way.
     */
    static Query freeText(String t, List<String> legacy) {
        boolean pattern = t.indexOf('*') >= 0 || t.indexOf('?') >= 0;
        List<Query> should = new ArrayList<>();
        should.add(
                Query.of(
                        x ->
                                x.simpleQueryString(
                                        m ->
                                                m.query(t)
                                                        .fields(
                                                                "rule.name.text",
                                                                "alert.status_comment")
                                                        .defaultOperator(Operator.And)
                                                        .lenient(true))));
        should.add(term("alert.id", t));
        if (pattern) {
            should.addAll(entityWildcards(t));
        } else {
            should.add(
                    Query.of(
                            x ->
                                    x.matchPhrasePrefix(
                                            m ->
                                                    m.field(SEARCH_FIELD)
                                                            .query(t)
                                                            .maxExpansions(1000))));
            if (!legacy.isEmpty()) {
                String like =
                        "*" + t.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?") + "*";
                List<FieldValue> names = legacy.stream().map(FieldValue::of).toList();
                should.add(
                        Query.of(
                                x ->
                                        x.bool(
                                                b ->
                                                        b.filter(
                                                                        i ->
                                                                                i.terms(
                                                                                        ts ->
                                                                                                ts.field(
                                                                                                                "_index")
                                                                                                        .terms(
                                                                                                                v ->
                                                                                                                        v
                                                                                                                                .value(
                                                                                                                                        names))))
                                                                .should(entityWildcards(like))
                                                                .minimumShouldMatch("1"))));
            }
        }
        return Query.of(x -> x.bool(b -> b.should(should).minimumShouldMatch("1")));
    }

    private static List<Query> entityWildcards(String pattern) {
        return List.of(
                wildcard("alert.group_key", pattern),
                wildcard("host.name", pattern),
                wildcard("user.name", pattern));
    }

    /** The field the alert template copies the entity, host and user into (template version 4). */
    static final String SEARCH_FIELD = "alert.search";

    /** The queue counts its total up to this many alerts; past it the page says "10,000+". */
    public static final int TOTAL_CAP = 10_000;

    private volatile List<String> legacyIndices = List.of();
    private volatile long legacyCheckedNanos;
    private volatile boolean legacyChecked;

    /**
     * The alert indices without {@link #SEARCH_FIELD} in their mapping, looked up at most once a
     * minute (a new month's index comes from the new template and has it).
     */
    List<String> legacyIndices() throws IOException {
        long now = System.nanoTime();
        if (legacyChecked && now - legacyCheckedNanos < 60_000_000_000L) {
            return legacyIndices;
        }
        List<String> out = new ArrayList<>();
        try {
            var r =
                    client.indices()
                            .getFieldMapping(
                                    g ->
                                            g.index(AlertIndices.ALIAS)
                                                    .fields(SEARCH_FIELD)
                                                    .ignoreUnavailable(true)
                                                    .allowNoIndices(true));
            r.fieldMappings()
                    .forEach(
                            (index, mappings) -> {
                                if (mappings.mappings().isEmpty()) {
                                    out.add(index);
                                }
                            });
        } catch (ElasticsearchException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        legacyIndices = List.copyOf(out);
        legacyCheckedNanos = now;
        legacyChecked = true;
        return legacyIndices;
    }

    /** A page of the queue: newest first, ties broken by id, paged by search_after. */
    public Page queue(ConsoleUser user, AlertQueueFilter f, Instant now) throws IOException {
        List<Query> filters = scoped(user, f, now, f.text() == null ? List.of() : legacyIndices());
        SearchRequest.Builder s =
                new SearchRequest.Builder()
                        .index(AlertIndices.ALIAS)
                        .ignoreUnavailable(true)
                        .allowNoIndices(true)
                        .size(f.size())
                        // Counting every match of a broad filter costs a visit of each; past the
                        // cap the page says "10,000+".
                        .trackTotalHits(t -> t.count(totalCap))
                        .query(q -> q.bool(b -> b.filter(filters)))
                        .source(src -> src.filter(x -> x.excludes("alert.evidence")))
                        .sort(o -> o.field(x -> x.field("@timestamp").order(SortOrder.Desc)))
                        .sort(o -> o.field(x -> x.field("alert.id").order(SortOrder.Desc)));
        if (f.after() != null) {
            s.searchAfter(FieldValue.of(f.after().millis()), FieldValue.of(f.after().id()));
        }
        SearchResponse<ObjectNode> r = search(s.build());
        if (r == null) {
            return new Page(List.of(), 0, false, null);
        }
        List<ObjectNode> out = new ArrayList<>();
        for (Hit<ObjectNode> h : r.hits().hits()) {
            out.add(h.source());
        }
        AlertQueueFilter.Cursor next = null;
        if (out.size() == f.size()) {
            ObjectNode last = out.get(out.size() - 1);
            next =
                    new AlertQueueFilter.Cursor(
                            Timestamps.parse(last.path("@timestamp").asText()),
                            last.path("alert").path("id").asText());
        }
        long total = r.hits().total() == null ? out.size() : r.hits().total().value();
        boolean atLeast =
                r.hits().total() != null && r.hits().total().relation() == TotalHitsRelation.Gte;
        return new Page(out, total, atLeast, next);
    }

    /** The choices of the queue's drop-downs, within the user's scope. */
    public record Choices(
            List<String> departments, Map<String, String> rules, List<String> tactics) {}

    public Choices choices(ConsoleUser user) throws IOException {
        Map<String, Aggregation> aggs = new LinkedHashMap<>();
        aggs.put("departments", terms("organization.id", 200));
        aggs.put(
                "rules",
                Aggregation.of(
                        a ->
                                a.terms(t -> t.field("rule.id").size(500))
                                        .aggregations("name", terms("rule.name", 1))));
        aggs.put("tactics", terms("threat.tactic.name", 20));
        SearchResponse<ObjectNode> r = aggregate(user, List.of(), aggs);
        if (r == null) {
            return new Choices(List.of(), Map.of(), List.of());
        }
        List<String> departments = keys(r.aggregations().get("departments"));
        Map<String, String> rules = new java.util.TreeMap<>();
        for (StringTermsBucket b : buckets(r.aggregations().get("rules"))) {
            List<String> names = keys(b.aggregations().get("name"));
            rules.put(
                    b.key().stringValue(), names.isEmpty() ? b.key().stringValue() : names.get(0));
        }
        return new Choices(
                departments.stream().sorted().toList(),
                rules,
                keys(r.aggregations().get("tactics")).stream().sorted().toList());
    }

    /** The alert with this id if it is within the user's scope; otherwise nothing. */
    public Optional<ObjectNode> alert(ConsoleUser user, String id) throws IOException {
        if (id == null || !id.matches("[A-Za-z0-9_.-]{1,200}")) {
            return Optional.empty();
        }
        List<Query> filters = new ArrayList<>();
        filters.add(Query.of(q -> q.ids(i -> i.values(id))));
        if (user.scope() != null) {
            filters.add(term("organization.id", user.scope()));
        }
        SearchResponse<ObjectNode> r =
                search(
                        new SearchRequest.Builder()
                                .index(AlertIndices.ALIAS)
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .size(1)
                                .query(q -> q.bool(b -> b.filter(filters)))
                                .build());
        if (r == null || r.hits().hits().isEmpty()) {
            return Optional.empty();
        }
        ObjectNode doc = r.hits().hits().get(0).source();
        // The scope is in the query; checked once more on what came back, in case of a mapping
        // that made the term match something unexpected.
        return user.mayAccess(doc.path("organization").path("id").asText(null))
                ? Optional.of(doc)
                : Optional.empty();
    }

    /** Other alerts of the same entity (group key), newest first, within the scope. */
    public List<ObjectNode> related(ConsoleUser user, ObjectNode alert) throws IOException {
        String key = alert.path("alert").path("group_key").asText("");
        if (key.isEmpty()) {
            return List.of();
        }
        List<Query> filters = new ArrayList<>();
        filters.add(term("alert.group_key", key));
        if (user.scope() != null) {
            filters.add(term("organization.id", user.scope()));
        }
        String id = alert.path("alert").path("id").asText();
        SearchResponse<ObjectNode> r =
                search(
                        new SearchRequest.Builder()
                                .index(AlertIndices.ALIAS)
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .size(20)
                                .query(
                                        q ->
                                                q.bool(
                                                        b ->
                                                                b.filter(filters)
                                                                        .mustNot(
                                                                                m ->
                                                                                        m.ids(
                                                                                                i ->
                                                                                                        i
                                                                                                                .values(
                                                                                                                        id)))))
                                .source(src -> src.filter(x -> x.excludes("alert.evidence")))
                                .sort(
                                        o ->
                                                o.field(
                                                        x ->
                                                                x.field("@timestamp")
                                                                        .order(SortOrder.Desc)))
                                .build());
        return hits(r);
    }

    /** Incidents whose entity is one of the alert's entity values, within the scope. */
    public List<ObjectNode> incidentsOf(ConsoleUser user, List<String> entityValues)
            throws IOException {
        if (entityValues.isEmpty()) {
            return List.of();
        }
        List<Query> filters = new ArrayList<>();
        filters.add(
                Query.of(
                        q ->
                                q.terms(
                                        t ->
                                                t.field("incident.entity.value")
                                                        .terms(
                                                                v ->
                                                                        v.value(
                                                                                entityValues
                                                                                        .stream()
                                                                                        .map(
                                                                                                FieldValue
                                                                                                        ::of)
                                                                                        .toList())))));
        if (user.scope() != null) {
            filters.add(term("organization.id", user.scope()));
        }
        return hits(
                search(
                        new SearchRequest.Builder()
                                .index(IncidentIndices.ALIAS)
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .size(10)
                                .query(q -> q.bool(b -> b.filter(filters)))
                                .build()));
    }

    /** Incidents, most recently active first: a liaison's are read from its department's alias. */
    public List<ObjectNode> incidents(ConsoleUser user, String status) throws IOException {
        List<ObjectNode> list =
                new IncidentSearch(client)
                        .find(new IncidentSearch.Filter(user.scope(), null, status, 200));
        return list.stream()
                .filter(d -> user.mayAccess(d.path("organization").path("id").asText(null)))
                .toList();
    }

    public Optional<ObjectNode> incident(ConsoleUser user, String id) throws IOException {
        if (id == null || !id.matches("[A-Za-z0-9_.:-]{1,200}")) {
            return Optional.empty();
        }
        return new IncidentSearch(client)
                .get(id)
                .filter(d -> user.mayAccess(d.path("organization").path("id").asText(null)));
    }

    /**
     * Acknowledges or closes an alert as {@code ./soc alerts ack|close} does: the lifecycle-checked
     * write to Elasticsearch, then the publication on soc.alert-status. An alert outside the user's
     * scope is "not found", exactly as an unknown one.
     */
    public AlertStatusWriter.Applied changeAlert(ConsoleUser user, AlertStatusChange change)
            throws IOException, AlertStatusRefused {
        if (alert(user, change.alertId).isEmpty()) {
            throw new NotFound();
        }
        // The browser is sent back to the alert page, which reads the alert through search: the
        // write waits until search sees it, or the page would show the status it had before.
        AlertStatusWriter.Applied applied =
                new AlertStatusWriter(client, Refresh.WaitFor).apply(change);
        if (publisher != null) {
            publisher.publish(applied.change());
        }
        return applied;
    }

    /**
     * Acknowledges or closes an incident as {@code ./soc incidents ack|close} does: published on
     * soc.alert-status for the escalation job, which applies it.
     */
    public void changeIncident(ConsoleUser user, AlertStatusChange change)
            throws IOException, AlertStatusRefused {
        ObjectNode doc = incident(user, change.alertId).orElseThrow(NotFound::new);
        if (AlertStatusChange.CLOSED.equals(doc.path("incident").path("status").asText())) {
            throw new AlertStatusRefused(
                    "incident "
                            + change.alertId
                            + " is already closed; a closed incident is final");
        }
        if (publisher == null) {
            throw new AlertStatusRefused(
                    "no Kafka: an incident changes only through soc.alert-status");
        }
        change.departmentId = doc.path("organization").path("id").asText(null);
        publisher.publish(change);
    }

    /** Thrown when an id is unknown or outside the user's scope: the two look the same. */
    public static final class NotFound extends RuntimeException {
        NotFound() {
            super("not found", null, false, false);
        }
    }

    // ---- overview and rule health ----

    /** A time series: bucket start to count per series name. */
    public record Series(List<Long> buckets, Map<String, long[]> values) {}

    public record Overview(
            long total,
            Series bySeverity,
            Series byDepartment,
            Map<String, Long> topRules,
            Map<String, Long> topEntities,
            Map<String, Long> techniques,
            Map<String, Long> tactics) {}

    public Overview overview(ConsoleUser user, AlertQueueFilter range, Instant now)
            throws IOException {
        List<Query> filters = scoped(user, range, now);
        Instant since = range.since(now);
        if (since == null) {
            since = oldest(filters);
            if (since == null) {
                since = now.minus(Duration.ofDays(1));
            }
        }
        // date_histogram, not auto_date_histogram: the latter lives in Elasticsearch's
        // aggregations module, which the integ-test distribution that ./soc runs does not have.
        String interval = interval(Duration.between(since, now));
        long min = since.toEpochMilli();
        long max = now.toEpochMilli();
        Map<String, Aggregation> aggs = new LinkedHashMap<>();
        aggs.put(
                "by_severity",
                Aggregation.of(
                        a ->
                                a.dateHistogram(histogram(interval, min, max))
                                        .aggregations("k", terms("rule.severity", 4))));
        aggs.put(
                "by_department",
                Aggregation.of(
                        a ->
                                a.dateHistogram(histogram(interval, min, max))
                                        .aggregations("k", terms("organization.id", 8))));
        aggs.put("top_rules", terms("rule.name", 10));
        aggs.put("top_entities", terms("alert.group_key", 10));
        aggs.put("techniques", terms("threat.technique.id", 500));
        aggs.put("tactics", terms("threat.tactic.name", 20));
        SearchResponse<ObjectNode> r =
                search(
                        new SearchRequest.Builder()
                                .index(AlertIndices.ALIAS)
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .size(0)
                                .trackTotalHits(t -> t.enabled(true))
                                .query(
                                        q ->
                                                q.bool(
                                                        b ->
                                                                b.filter(filters)
                                                                        .mustNot(
                                                                                term(
                                                                                        "alert.meta",
                                                                                        "true"))))
                                .aggregations(aggs)
                                .build());
        if (r == null) {
            Series none = new Series(List.of(), Map.of());
            return new Overview(0, none, none, Map.of(), Map.of(), Map.of(), Map.of());
        }
        return new Overview(
                r.hits().total() == null ? 0 : r.hits().total().value(),
                series(r.aggregations().get("by_severity")),
                series(r.aggregations().get("by_department")),
                counts(r.aggregations().get("top_rules")),
                counts(r.aggregations().get("top_entities")),
                counts(r.aggregations().get("techniques")),
                counts(r.aggregations().get("tactics")));
    }

    /** Bucket widths of the overview's charts, narrowest first. */
    private static final List<String> INTERVALS =
            List.of("1m", "5m", "10m", "30m", "1h", "3h", "6h", "12h", "1d", "7d", "30d");

    /** The narrowest bucket width that draws the span in at most 48 bars. */
    static String interval(Duration span) {
        for (String i : INTERVALS) {
            long unit =
                    switch (i.charAt(i.length() - 1)) {
                        case 'm' -> 60_000L;
                        case 'h' -> 3_600_000L;
                        default -> 86_400_000L;
                    };
            long width = Long.parseLong(i.substring(0, i.length() - 1)) * unit;
            if (span.toMillis() / width <= 48) {
                return i;
            }
        }
        return INTERVALS.get(INTERVALS.size() - 1);
    }

    private static java.util.function.Function<
                    DateHistogramAggregation.Builder,
                    co.elastic.clients.util.ObjectBuilder<DateHistogramAggregation>>
            histogram(String interval, long min, long max) {
        // Empty buckets too, from the start of the range to now: a quiet hour is a bar of zero.
        return h ->
                h.field("@timestamp")
                        .fixedInterval(t -> t.time(interval))
                        .minDocCount(0)
                        .extendedBounds(
                                b ->
                                        b.min(FieldDateMath.of(m -> m.value(min)))
                                                .max(FieldDateMath.of(m -> m.value(max))));
    }

    /** The time of the oldest alert the filters match, for the "all" range; null when none. */
    private Instant oldest(List<Query> filters) throws IOException {
        SearchResponse<ObjectNode> r =
                search(
                        new SearchRequest.Builder()
                                .index(AlertIndices.ALIAS)
                                .ignoreUnavailable(true)
                                .allowNoIndices(true)
                                .size(0)
                                .query(q -> q.bool(b -> b.filter(filters)))
                                .aggregations("oldest", a -> a.min(m -> m.field("@timestamp")))
                                .build());
        if (r == null || r.aggregations().get("oldest") == null) {
            return null;
        }
        Double v = r.aggregations().get("oldest").min().value();
        return v == null || v.isNaN() || v.isInfinite()
                ? null
                : Instant.ofEpochMilli(v.longValue());
    }

    public record RuleHealth(
            String ruleId,
            String name,
            long alerts,
            long lastFiredMillis,
            long suppressed,
            long budgetTrips) {}

    /** Alerts, last alert, suppressed repeats and budget trips per rule, within the scope. */
    public Map<String, RuleHealth> ruleHealth(ConsoleUser user) throws IOException {
        Map<String, Aggregation> aggs = new LinkedHashMap<>();
        aggs.put(
                "rules",
                Aggregation.of(
                        a ->
                                a.terms(t -> t.field("rule.id").size(1000))
                                        .aggregations("name", terms("rule.name", 1))
                                        .aggregations(
                                                "last", x -> x.max(m -> m.field("@timestamp")))
                                        .aggregations(
                                                "suppressed",
                                                x ->
                                                        x.sum(
                                                                m ->
                                                                        m.field(
                                                                                "alert.suppressed_count")))));
        aggs.put(
                "trips",
                Aggregation.of(
                        a ->
                                a.filter(term("alert.meta", "true"))
                                        .aggregations(
                                                "rule",
                                                terms("alert.details.throttled_rule_id", 1000))));
        SearchResponse<ObjectNode> r = aggregate(user, List.of(), aggs);
        Map<String, RuleHealth> out = new LinkedHashMap<>();
        if (r == null) {
            return out;
        }
        Map<String, Long> trips =
                counts(r.aggregations().get("trips").filter().aggregations().get("rule"));
        for (StringTermsBucket b : buckets(r.aggregations().get("rules"))) {
            String id = b.key().stringValue();
            List<String> names = keys(b.aggregations().get("name"));
            double last = num(b.aggregations().get("last").max().value());
            out.put(
                    id,
                    new RuleHealth(
                            id,
                            names.isEmpty() ? id : names.get(0),
                            b.docCount(),
                            Double.isFinite(last) ? (long) last : 0,
                            (long) num(b.aggregations().get("suppressed").sum().value()),
                            trips.getOrDefault(id, 0L)));
        }
        trips.forEach(
                (id, n) -> {
                    if (!out.containsKey(id)) {
                        out.put(id, new RuleHealth(id, id, 0, 0, 0, n));
                    }
                });
        return out;
    }

    // ---- helpers ----

    private SearchResponse<ObjectNode> aggregate(
            ConsoleUser user, List<Query> extra, Map<String, Aggregation> aggs) throws IOException {
        List<Query> filters = new ArrayList<>(extra);
        if (user.scope() != null) {
            filters.add(term("organization.id", user.scope()));
        }
        return search(
                new SearchRequest.Builder()
                        .index(AlertIndices.ALIAS)
                        .ignoreUnavailable(true)
                        .allowNoIndices(true)
                        .size(0)
                        .query(q -> q.bool(b -> b.filter(filters)))
                        .aggregations(aggs)
                        .build());
    }

    /** Null when there is no index yet: the pages then show nothing rather than an error. */
    private SearchResponse<ObjectNode> search(SearchRequest request) throws IOException {
        try {
            return client.search(request, ObjectNode.class);
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static List<ObjectNode> hits(SearchResponse<ObjectNode> r) {
        List<ObjectNode> out = new ArrayList<>();
        if (r != null) {
            for (Hit<ObjectNode> h : r.hits().hits()) {
                out.add(h.source());
            }
        }
        return out;
    }

    private static double num(Double d) {
        return d == null ? Double.NaN : d;
    }

    static Query term(String field, String value) {
        return Query.of(q -> q.term(t -> t.field(field).value(value)));
    }

    private static Query wildcard(String field, String pattern) {
        return Query.of(q -> q.wildcard(w -> w.field(field).value(pattern).caseInsensitive(true)));
    }

    private static Aggregation terms(String field, int size) {
        return Aggregation.of(a -> a.terms(t -> t.field(field).size(size)));
    }

    private static List<StringTermsBucket> buckets(Aggregate a) {
        if (a == null || !a.isSterms()) {
            return List.of();
        }
        return a.sterms().buckets().array();
    }

    private static List<String> keys(Aggregate a) {
        return buckets(a).stream().map(b -> b.key().stringValue()).toList();
    }

    private static Map<String, Long> counts(Aggregate a) {
        Map<String, Long> m = new LinkedHashMap<>();
        buckets(a).forEach(b -> m.put(b.key().stringValue(), b.docCount()));
        return m;
    }

    private static Series series(Aggregate a) {
        List<Long> starts = new ArrayList<>();
        Map<String, long[]> values = new LinkedHashMap<>();
        if (a == null || !a.isDateHistogram()) {
            return new Series(starts, values);
        }
        List<DateHistogramBucket> bs = a.dateHistogram().buckets().array();
        for (int i = 0; i < bs.size(); i++) {
            starts.add(bs.get(i).key());
            for (StringTermsBucket t : buckets(bs.get(i).aggregations().get("k"))) {
                int n = bs.size();
                values.computeIfAbsent(t.key().stringValue(), k -> new long[n])[i] = t.docCount();
            }
        }
        return new Series(starts, values);
    }

    /** The entity values of an alert (the fields its rule grouped by), for related incidents. */
    static List<String> entityValues(JsonNode alert) {
        List<String> out = new ArrayList<>();
        String key = alert.path("alert").path("group_key").asText("");
        for (String v : key.split("\\|")) {
            if (!v.isBlank() && out.size() < 10) {
                out.add(v);
            }
        }
        return out;
    }
}
