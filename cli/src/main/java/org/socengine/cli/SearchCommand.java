package org.socengine.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code ./soc alerts search} and {@code ./soc incidents list} share: the connection, the
 * department, severity and limit filters, their checks before any connection, one search of
 * Elasticsearch, and the documents printed as a table an analyst reads or as NDJSON.
 */
abstract class SearchCommand implements Callable<Integer> {

    static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    @Mixin AlertsConnection connection;

    @Option(names = "--department", paramLabel = "D", description = "Department id.")
    String department;

    @Option(names = "--severity", paramLabel = "S", description = "low, medium, high or critical.")
    String severity;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "50",
            description = "At most N ${PARENT-COMMAND-NAME}. Default: ${DEFAULT-VALUE}.")
    int limit;

    /** Checks the command's own options; runs after the shared checks, before any connection. */
    abstract void checkOptions();

    /** The documents the options select, in the order they are printed. */
    abstract List<ObjectNode> search(ElasticsearchClient client) throws IOException;

    /** One document per line as it is stored (NDJSON) instead of the table. */
    abstract boolean json();

    /** The table of the documents and a line that counts them. */
    abstract void printTable(PrintStream out, List<ObjectNode> documents);

    @Override
    public final Integer call() {
        if (limit < 1 || limit > 10_000) {
            throw new CliFailure("--limit must be between 1 and 10000, got " + limit);
        }
        if (severity != null && !SEVERITIES.contains(severity)) {
            throw new CliFailure(
                    "--severity must be low, medium, high or critical, got '" + severity + "'");
        }
        checkOptions();
        var settings = connection.elasticsearch();
        List<ObjectNode> documents;
        try (ElasticsearchClient client = connection.client(settings)) {
            documents = search(client);
        } catch (IOException | ElasticsearchException e) {
            throw AlertsConnection.failure(e, settings);
        }
        PrintStream out = Terminal.out();
        if (json()) {
            documents.forEach(d -> out.println(d.toString()));
        } else {
            printTable(out, documents);
        }
        return 0;
    }
}
