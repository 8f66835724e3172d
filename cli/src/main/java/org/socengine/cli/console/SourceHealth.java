package org.socengine.cli.console;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Log-source health from the detection job's own metrics: {@code
 * soc_last_event_timestamp_seconds{source,department}}, the time of the newest record of each
 * source of each department (docs/metrics.md). Read from the job's Prometheus endpoint, oldest
 * first, so that the source that went silent is at the top.
 */
public final class SourceHealth {

    static final String METRIC = "soc_last_event_timestamp_seconds";

    private static final Pattern LINE = Pattern.compile("^" + METRIC + "\\{([^}]*)\\}\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Source(String department, String source, long lastEventMillis) {}

    private final URI endpoint;
    private final HttpClient http;

    public SourceHealth(URI endpoint) {
        this.endpoint = endpoint;
        this.http =
                endpoint == null
                        ? null
                        : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    }

    public boolean configured() {
        return endpoint != null;
    }

    /** Every source and department the job has seen, silent ones (oldest last event) first. */
    public List<Source> read() throws IOException {
        if (endpoint == null) {
            return List.of();
        }
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("metrics endpoint answered " + r.statusCode());
            }
            return parse(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static List<Source> parse(String text) {
        List<Source> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            String department = null;
            String source = null;
            Matcher l = LABEL.matcher(m.group(1));
            while (l.find()) {
                if (l.group(1).equals("department")) {
                    department = l.group(2);
                } else if (l.group(1).equals("source")) {
                    source = l.group(2);
                }
            }
            double seconds;
            try {
                seconds = Double.parseDouble(m.group(2));
            } catch (NumberFormatException e) {
                continue;
            }
            if (!Double.isFinite(seconds)) {
                continue;
            }
            out.add(new Source(department, source, (long) (seconds * 1000)));
        }
        out.sort(Comparator.comparingLong(Source::lastEventMillis));
        return out;
    }
}
