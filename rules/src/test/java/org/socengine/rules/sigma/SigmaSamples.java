package org.socengine.rules.sigma;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * SigmaHQ's rules and regression data, vendored in {@code testdata/sigmahq} at the top of the
 * repository (DRL 1.1, attribution in its LICENSE and README), found from the module directory.
 */
final class SigmaSamples {

    private SigmaSamples() {}

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path p = dir.resolve("testdata/sigmahq");
            if (Files.isDirectory(p)) {
                return p;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "testdata/sigmahq not found above " + Path.of("").toAbsolutePath());
    }

    static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .toList();
        }
    }

    /** Where a test writes its report: the module's target directory. */
    static Path report(String name) throws IOException {
        Path target = Path.of("target");
        Files.createDirectories(target);
        return target.resolve(name);
    }
}
