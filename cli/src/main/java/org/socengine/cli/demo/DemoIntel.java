package org.socengine.cli.demo;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.socengine.connectors.intel.FeedLoad;
import org.socengine.connectors.intel.IntelFiles;
import org.socengine.connectors.intel.IntelTopic;
import org.socengine.connectors.kafka.KafkaSettings;

/**
 * The demo's threat-intelligence feed ({@code config/intel/demo-feed.csv} of the installation),
 * loaded into {@code soc.intel} as {@code ./soc intel load} would: the running job picks it up and
 * the IOC rule fires on the simulated attackers it lists.
 */
final class DemoIntel {

    private DemoIntel() {}

    /**
     * The feed beside the rules folder ({@code <home>/rules/detections} → {@code <home>/config}).
     */
    static Path feed(Path rulesDir) {
        Path home = rulesDir.toAbsolutePath().getParent();
        home = home == null ? Path.of(".") : home.getParent();
        return (home == null ? Path.of(".") : home)
                .resolve("config")
                .resolve("intel")
                .resolve("demo-feed.csv");
    }

    static void load(Path rulesDir, KafkaSettings kafka, PrintStream err) {
        Path feed = feed(rulesDir);
        if (!Files.isRegularFile(feed)) {
            feed = Path.of("config", "intel", "demo-feed.csv");
        }
        if (!Files.isRegularFile(feed)) {
            err.println(
                    "soc demo: no indicator feed at " + feed + "; the IOC rule will stay quiet");
            return;
        }
        try {
            FeedLoad load = IntelFiles.load(feed);
            int n = IntelTopic.publish(kafka, load);
            err.printf(
                    "soc demo: %d indicators loaded into soc.intel from %s (%s)%n",
                    n, feed, load.summary());
        } catch (Exception e) {
            err.println("soc demo: indicator feed not loaded: " + e.getMessage());
        }
    }
}
