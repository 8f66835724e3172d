package org.socengine.connectors.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * The inventory the running job holds follows its file: {@code watch()} (started by the job's
 * decode step) swaps in an edited version, keeps the running one when an edit is broken; and a
 * device address no inventory and no department range knows is marked on the event.
 */
class AssetInventoryWatchTest {

    @TempDir Path dir;

    private static void await(String what, java.util.function.BooleanSupplier c) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void anEditedFileIsSwappedInAndABrokenEditKeepsThePreviousOne() throws Exception {
        Path f = dir.resolve("assets.csv");
        Files.writeString(
                f, "match,department,asset,owner,criticality\n10.12.1.10,so-yt,HIS,dba,medium\n");
        AssetInventory inv = AssetInventory.load(f, DepartmentDirectory.defaults());
        inv.watch(20);
        try {
            Files.writeString(
                    f,
                    "match,department,asset,owner,criticality\n"
                            + "10.12.1.10,so-yt,HIS database,dba,critical\n"
                            + "10.12.1.11,so-yt,HIS replica,dba,high\n");
            await("the edited inventory", () -> inv.size() == 2);
            assertThat(inv.lookupAddress("10.12.1.10").criticality()).isEqualTo("critical");

            Files.writeString(
                    f, "match,department,asset,owner,criticality\n10.12.1.10,so-yt,x,y,extreme\n");
            // The broken edit is reported once and the previous version keeps running; the next
            // good edit goes in.
            Files.writeString(
                    f,
                    "match,department,asset,owner,criticality\n"
                            + "10.12.1.10,so-yt,HIS database,dba,critical\n"
                            + "10.12.1.11,so-yt,HIS replica,dba,high\n"
                            + "10.12.1.12,so-yt,HIS test,dba,low\n");
            await("the next good edit", () -> inv.size() == 3);
        } finally {
            inv.stopWatching();
        }
    }

    private static RawRecord cef(String device) {
        RawRecord r =
                RawRecord.of(
                        "cef",
                        "CEF:0|Vendor|Product|1.0|100|Port scan|7|src=203.0.113.5 dst=10.0.0.2 dvc="
                                + device
                                + " rt=1795608000000");
        r.key = "so-yt";
        r.kafkaTimestamp = 1_795_608_000_000L;
        return r;
    }

    @Test
    void aDeviceAddressNoInventoryAndNoRangeKnowsIsMarked() throws Exception {
        AssetInventory inv =
                AssetInventory.of(
                        "match,department,asset,owner,criticality\n10.250.0.1,,Core router,noc,critical\n",
                        DepartmentDirectory.defaults());
        RecordDecoder decoder =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults(), inv);
        String known =
                "<38>Nov 24 08:00:01 r1 sshd[1]: Failed password for root from 203.0.113.5 port 1 ssh2";
        RawRecord r = RawRecord.of("syslog", known);
        r.key = "so-yt";
        r.kafkaTimestamp = 1_790_000_000_000L;
        var e = decoder.decode(r, 0).event();
        assertThat(e).isNotNull();
        // No device address at all: nothing to attribute, nothing marked.
        assertThat(e.fields("asset.unattributed")).isNull();

        // A device the inventory lists, and one nobody knows.
        assertThat(decoder.decode(cef("10.250.0.1"), 0).event().fields("asset.unattributed"))
                .isNull();
        var unknown = decoder.decode(cef("10.99.9.9"), 0).event();
        assertThat(unknown.fields("asset.unattributed")).isEqualTo("10.99.9.9");
        org.socengine.connectors.decode.DecodeMetrics metrics =
                new org.socengine.connectors.decode.DecodeMetrics(
                        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        RawRecord c = cef("10.99.9.9");
        metrics.record(c, decoder.decode(c, 0));
        assertThat(metrics.unattributed("cef", "so-yt")).isEqualTo(1);
    }
}
