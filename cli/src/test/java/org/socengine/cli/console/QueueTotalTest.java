package org.socengine.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The queue's total as each language writes it, with "+" when the count stopped at its cap. */
class QueueTotalTest {

    @Test
    void aCappedTotalReadsTenThousandPlusInBothLanguages() {
        assertThat(Pages.count("en", 10_000, true)).isEqualTo("10,000+");
        assertThat(Pages.count("vi", 10_000, true)).isEqualTo("10.000+");
        assertThat(Pages.count("en", 9_999, false)).isEqualTo("9,999");
        assertThat(Pages.count("vi", 42, false)).isEqualTo("42");
        assertThat(ConsoleData.TOTAL_CAP).isEqualTo(10_000);
    }

    @Test
    void theQueuePageShowsTheCappedTotal() {
        for (String lang : List.of("en", "vi")) {
            Sessions.Session s =
                    new Sessions(Duration.ofMinutes(30), Duration.ofHours(12), Clock.systemUTC())
                            .open(
                                    ConsoleTestSupport.user(
                                            "lan", ConsoleUser.Role.ANALYST, null, lang));
            String html =
                    new Pages(s)
                            .queue(
                                    AlertQueueFilter.from(Map.of(), ConsoleUser.DEFAULT_ZONE),
                                    new ConsoleData.Choices(List.of(), Map.of(), List.of()),
                                    new ConsoleData.Page(List.of(), 10_000, true, null));
            assertThat(html)
                    .contains(
                            "id=\"total\">"
                                    + (lang.equals("en") ? "10,000+ total" : "10.000+ tổng"));
        }
    }
}
