package org.socengine.connectors.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything this JVM logs through log4j2 at INFO and above while it is open, formatted with its
 * stack traces, from every logger (the engine's, Flink's, Kafka's clients'), however the test
 * configuration would have filtered them. The console keeps only warnings meanwhile, so raising the
 * levels does not flood the test output.
 */
public final class CapturedLogs implements AutoCloseable {

    private final LoggerContext context;
    private final Collector collector;
    private final Map<String, Level> levels = new HashMap<>();
    private final Map<String, Appender> consoleRefs = new HashMap<>();

    private CapturedLogs() {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        collector =
                new Collector(
                        PatternLayout.newBuilder()
                                .withPattern("%d %p [%t] %c - %m%n%ex")
                                .withConfiguration(config)
                                .build());
        collector.start();
        config.addAppender(collector);
        LoggerConfig root = config.getRootLogger();
        for (Map.Entry<String, Appender> a : new HashMap<>(root.getAppenders()).entrySet()) {
            consoleRefs.put(a.getKey(), a.getValue());
            root.removeAppender(a.getKey());
            root.addAppender(a.getValue(), Level.WARN, null);
        }
        for (LoggerConfig lc : config.getLoggers().values()) {
            levels.put(lc.getName(), lc.getLevel());
            if (lc.getLevel() == null || lc.getLevel().isMoreSpecificThan(Level.INFO)) {
                lc.setLevel(Level.INFO);
            }
        }
        root.addAppender(collector, Level.INFO, null);
        context.updateLoggers();
    }

    public static CapturedLogs start() {
        return new CapturedLogs();
    }

    /** What was logged so far. */
    public String text() {
        synchronized (collector.lines) {
            return String.join("", collector.lines);
        }
    }

    public int lines() {
        synchronized (collector.lines) {
            return collector.lines.size();
        }
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(collector.getName());
        consoleRefs.forEach(
                (name, appender) -> {
                    root.removeAppender(name);
                    root.addAppender(appender, null, null);
                });
        for (LoggerConfig lc : config.getLoggers().values()) {
            if (levels.containsKey(lc.getName())) {
                lc.setLevel(levels.get(lc.getName()));
            }
        }
        context.updateLoggers();
        collector.stop();
    }

    private static final class Collector extends AbstractAppender {
        final List<String> lines = new ArrayList<>();

        Collector(PatternLayout layout) {
            super("captured-logs", null, layout, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            String line = getLayout().toSerializable(event).toString();
            synchronized (lines) {
                lines.add(line);
            }
        }
    }
}
