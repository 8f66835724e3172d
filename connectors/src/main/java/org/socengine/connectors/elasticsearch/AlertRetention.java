package org.socengine.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import java.io.IOException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention by whole monthly indices, which works on every Elasticsearch (no ILM, no delete by
 * query needed): with a retention of N months, the current month and the N months before it are
 * kept, so every alert stays searchable for at least N months; older monthly indices are dropped.
 */
public final class AlertRetention {

    private static final Logger LOG = LoggerFactory.getLogger(AlertRetention.class);

    private final ElasticsearchClient client;

    public AlertRetention(ElasticsearchClient client) {
        this.client = client;
    }

    /** What a run found: the indices dropped (or to drop, in a dry run) and those kept. */
    public record Outcome(List<String> dropped, List<String> kept, boolean dryRun) {}

    /**
     * The alert indices to drop on {@code now} with a retention of {@code months}, oldest first.
     */
    public static List<String> select(Collection<String> indices, YearMonth now, int months) {
        if (months < 1) {
            throw new IllegalArgumentException("retention must be at least 1 month, got " + months);
        }
        YearMonth oldestKept = now.minusMonths(months);
        List<AlertIndices.IndexName> drop = new ArrayList<>();
        for (String index : indices) {
            Optional<AlertIndices.IndexName> n = AlertIndices.parse(index);
            if (n.isPresent() && n.get().month().isBefore(oldestKept)) {
                drop.add(n.get());
            }
        }
        drop.sort(
                java.util.Comparator.comparing(AlertIndices.IndexName::month)
                        .thenComparing(AlertIndices.IndexName::index));
        return drop.stream().map(AlertIndices.IndexName::index).toList();
    }

    /** The concrete alert indices of the cluster, sorted. */
    public List<String> alertIndices() throws IOException {
        try {
            TreeSet<String> names = new TreeSet<>();
            client.indices()
                    .get(
                            g ->
                                    g.index(AlertIndices.ALIAS + "-*")
                                            .ignoreUnavailable(true)
                                            .allowNoIndices(true))
                    .indices()
                    .keySet()
                    .forEach(
                            i -> {
                                if (AlertIndices.parse(i).isPresent()) {
                                    names.add(i);
                                }
                            });
            return new ArrayList<>(names);
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    /** Drops the monthly alert indices older than the retention; a dry run only reports them. */
    public Outcome apply(int months, YearMonth now, boolean dryRun) throws IOException {
        List<String> all = alertIndices();
        List<String> drop = select(all, now, months);
        List<String> kept = new ArrayList<>(all);
        kept.removeAll(drop);
        if (!dryRun) {
            for (String index : drop) {
                // One explicit name per request: clusters that forbid wildcard deletes accept it,
                // and an index dropped meanwhile by someone else is not an error.
                try {
                    client.indices().delete(d -> d.index(index).ignoreUnavailable(true));
                    LOG.info("retention of {} months: dropped {}", months, index);
                } catch (ElasticsearchException e) {
                    if (e.status() != 404) {
                        throw e;
                    }
                }
            }
        }
        return new Outcome(drop, kept, dryRun);
    }
}
