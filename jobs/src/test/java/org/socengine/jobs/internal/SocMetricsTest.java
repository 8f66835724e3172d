package org.socengine.jobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.DecodeMetrics;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.DepartmentDirectory;

/** The decode counters reach Prometheus per source, department and reason. */
class SocMetricsTest {

    @Test
    void decodeCountersAreScrapedPerSourceDepartmentAndReason() throws Exception {
        RecordDecoder decoder =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        DecodeMetrics metrics = new DecodeMetrics(SocMetrics.registry());
        for (String line :
                new String[] {
                    "<38>Nov 24 08:00:01 yt-portal-01 sshd[42]: Failed password for root from 203.0.113.5 port 40001 ssh2",
                    "not syslog at all"
                }) {
            RawRecord r = RawRecord.of("syslog", line);
            r.key = "metrics-test";
            metrics.record(r, decoder.decode(r, 0));
        }
        var server = SocMetrics.serve("127.0.0.1", 0);
        try {
            String body =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + server.getAddress().getPort()
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
            assertThat(body)
                    .containsPattern(
                            "soc_decode_received_total\\{.*department=\"metrics-test\".*source=\"syslog\".*\\} 2\\.0");
            assertThat(body)
                    .containsPattern(
                            "soc_decode_decoded_total\\{.*department=\"metrics-test\".*\\} 1\\.0");
            assertThat(body)
                    .containsPattern(
                            "soc_decode_dead_lettered_total\\{.*reason=\"wrong_format\".*\\} 1\\.0");
        } finally {
            server.stop(0);
        }
    }
}
