package org.socengine.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.socengine.connectors.kafka.AlertStatusPublisher;
import org.socengine.connectors.kafka.KafkaSettings;
import org.socengine.model.AlertStatusChange;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the acknowledge and close commands of {@code ./soc alerts} and {@code ./soc incidents}
 * share: the connection, who decides, the change checked before anything is touched, and its
 * publication on {@code soc.alert-status} for the running jobs.
 */
abstract class StatusChangeCommand implements Callable<Integer> {

    @Mixin AlertsConnection connection;

    @Option(
            names = "--by",
            paramLabel = "NAME",
            description = "Who decides (default: the login name).")
    String by = System.getProperty("user.name");

    /** The change this command asks for, as of {@code now}. */
    abstract AlertStatusChange change(long now);

    /** The change; one line naming every problem when it is not a valid one. */
    final AlertStatusChange checkedChange() {
        AlertStatusChange change = change(System.currentTimeMillis());
        List<String> problems = change.problems();
        if (!problems.isEmpty()) {
            throw new CliFailure(String.join("; ", problems));
        }
        return change;
    }

    /**
     * Publishes the change on {@code soc.alert-status}.
     *
     * @param done what the command already did, said first when publishing fails (or "")
     */
    static void publish(KafkaSettings kafka, AlertStatusChange change, String done) {
        try (AlertStatusPublisher p = new AlertStatusPublisher(kafka)) {
            p.publish(change);
        } catch (IOException | RuntimeException e) {
            throw new CliFailure(
                    done
                            + "not published on soc.alert-status ("
                            + e.getMessage()
                            + "); run the command again once Kafka is reachable");
        }
    }

    /** How an alert or incident is closed. */
    static final class DispositionOption {

        @Option(
                names = "--disposition",
                required = true,
                paramLabel = "D",
                description = "true_positive, benign or false_positive (tp, fp accepted).")
        String disposition;

        String normalized() {
            return AlertStatusChange.normalizeDisposition(disposition);
        }
    }
}
