package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./soc intel load --dry-run}: counts and every problem at its place, no broker needed. */
class IntelCommandTest {

    @TempDir Path dir;

    @Test
    void aGoodFeedIsCountedByType() {
        CommandRun r = CommandRun.of("intel", "load", "--dry-run", "../config/intel/demo-feed.csv");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.summary())
                .contains("5 indicators")
                .contains("domain 1")
                .contains("ip 3")
                .contains("sha256 1")
                .contains("0 problems");
    }

    @Test
    void aFeedWithProblemsIsRefusedWithEachOneAtItsLine() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(
                f, "type,value,confidence\nip,198.51.100.1,80\nip,300.1.1.1,80\nurl,,50\n");
        CommandRun r = CommandRun.of("intel", "load", "--dry-run", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains(f + ":3: '300.1.1.1' is not an IPv4 or IPv6 address")
                .contains(f + ":4: empty url value")
                .contains("1 indicators")
                .contains("2 problem(s) in the feed");
        CommandRun skipping =
                CommandRun.of("intel", "load", "--dry-run", "--skip-invalid", f.toString());
        assertThat(skipping.code()).isZero();
    }

    @Test
    void theHuntRefusesABadDuration() {
        CommandRun r = CommandRun.of("intel", "hunt", "--since", "yesterday");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--since").contains("not a duration");
    }
}
