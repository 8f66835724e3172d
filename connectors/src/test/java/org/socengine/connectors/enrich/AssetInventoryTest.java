package org.socengine.connectors.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.connectors.decode.DeadLetter;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.SecurityEvent;

class AssetInventoryTest {

    static final String CSV =
            """
            # Asset inventory of the demo province
            match,department,asset,owner,criticality
            172.16.0.0/12,so-khdt,"Leased line, KHDT",noc@so-khdt,medium
            172.16.5.10,so-khdt,His database,dba@so-khdt,critical
            mail01.sotc.local,so-tc,Mail server,it@so-tc,high
            *.samson.local,ubnd-tp-samson,Workstations,it@samson,low
            10.10.0.1,,Core router,noc@tttt,critical
            """;

    @Test
    void mostSpecificMatchWins() throws IOException {
        AssetInventory inv = AssetInventory.of(CSV, DepartmentDirectory.defaults());
        assertThat(inv.size()).isEqualTo(5);
        SecurityEvent db = new SecurityEvent();
        db.ensureSource().ip = "172.16.5.10";
        assertThat(inv.lookup(db).name()).isEqualTo("His database");
        SecurityEvent other = new SecurityEvent();
        other.ensureSource().ip = "172.20.1.1";
        assertThat(inv.lookup(other).name()).isEqualTo("Leased line, KHDT");
        SecurityEvent host = new SecurityEvent();
        host.ensureHost().name = "PC-07.SAMSON.local";
        host.ensureSource().ip = "172.16.5.10";
        assertThat(inv.lookup(host).name()).isEqualTo("Workstations");
        SecurityEvent none = new SecurityEvent();
        none.ensureSource().ip = "8.8.8.8";
        assertThat(inv.lookup(none)).isNull();
    }

    @Test
    void enrichAddsAssetFieldsButLeavesTheDepartmentToTheTrustPolicy() throws IOException {
        AssetInventory inv = AssetInventory.of(CSV, DepartmentDirectory.defaults());
        SecurityEvent e = new SecurityEvent();
        e.ensureSource().ip = "172.16.5.10";
        inv.enrich(e);
        assertThat(e.organization).isNull();
        assertThat(inv.lookupAddress("172.16.5.10").department()).isEqualTo("so-khdt");
        // A source address is not the device's: only observer.* and host.* are.
        assertThat(inv.lookupDevice(e)).isNull();
        assertThat(e.fields("asset.name")).isEqualTo("His database");
        assertThat(e.fields("asset.criticality")).isEqualTo("critical");
        assertThat(e.fields("asset.owner")).isEqualTo("dba@so-khdt");
        assertThat(e.fields("asset.matched")).isEqualTo("source.ip");

        SecurityEvent attributed = new SecurityEvent();
        attributed.ensureOrganization().id = "so-yt";
        attributed.ensureSource().ip = "172.16.5.10";
        inv.enrich(attributed);
        assertThat(attributed.organization.id).isEqualTo("so-yt");
        assertThat(attributed.fields("asset.criticality")).isEqualTo("critical");

        SecurityEvent shared = new SecurityEvent();
        shared.ensureObserver().ip = "10.10.0.1";
        inv.enrich(shared);
        assertThat(shared.organization).isNull();
        assertThat(shared.fields("asset.name")).isEqualTo("Core router");
    }

    @Test
    void invalidFileListsEveryBadLine() {
        String bad =
                """
                match,department,asset,owner,criticality
                10.0.0.0/33,so-yt,a,b,low
                10.1.2.3/16,so-yt,a,b,low
                host.example,so-yt,a,b,urgent
                host.example,so-yt,a,b,low
                host.example,so-yt,a,b,low
                x y,so-yt,a,b,low
                only,three,columns
                "unterminated,so-yt,a,b,low
                """;
        assertThatThrownBy(() -> AssetInventory.of(bad, DepartmentDirectory.defaults()))
                .isInstanceOf(AssetInventory.InvalidInventoryException.class)
                .hasMessageContaining("line 2:")
                .hasMessageContaining("line 3:")
                .hasMessageContaining("line 4: criticality 'urgent'")
                .hasMessageContaining("line 6: 'host.example' is listed twice")
                .hasMessageContaining("line 7:")
                .hasMessageContaining("line 8: expected 5 columns, found 3")
                .hasMessageContaining("line 9: unterminated quote")
                .satisfies(
                        e ->
                                assertThat(
                                                ((AssetInventory.InvalidInventoryException) e)
                                                        .problems())
                                        .hasSize(7));
        assertThatThrownBy(() -> AssetInventory.of("10.0.0.0/8,a,b,c,low\n", null))
                .hasMessageContaining("line 1: expected the header");
    }

    @Test
    void reloadSwapsOnlyAValidFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("assets.csv");
        Files.writeString(file, CSV);
        AssetInventory inv = AssetInventory.load(file, DepartmentDirectory.defaults());
        assertThat(inv.size()).isEqualTo(5);

        Files.writeString(
                file, "match,department,asset,owner,criticality\n10.0.0.0/8,so-yt,All,x,low\n");
        assertThat(inv.reload()).isTrue();
        assertThat(inv.size()).isEqualTo(1);

        Files.writeString(
                file, "match,department,asset,owner,criticality\n10.0.0.0/8,so-yt,All,x,bogus\n");
        assertThatThrownBy(inv::reload).hasMessageContaining("line 2");
        assertThat(inv.size()).isEqualTo(1);
        SecurityEvent e = new SecurityEvent();
        e.ensureSource().ip = "10.99.0.1";
        assertThat(inv.lookup(e).name()).isEqualTo("All");

        // The watcher's check: a changed file is reloaded once, a broken one is reported, not
        // applied.
        Files.writeString(file, CSV);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(inv.reloadIfChanged()).isTrue();
        assertThat(inv.size()).isEqualTo(5);
        assertThat(inv.reloadIfChanged()).isFalse();
        Files.writeString(file, "garbage");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10000));
        assertThat(inv.reloadIfChanged()).isFalse();
        assertThat(inv.size()).isEqualTo(5);
    }

    @Test
    void recordDecoderAttributesByInventoryAfterTheDirectory() throws IOException {
        AssetInventory inv = AssetInventory.of(CSV, DepartmentDirectory.defaults());
        RecordDecoder d =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults(), inv);
        RawRecord r =
                RawRecord.of(
                        "syslog",
                        "<38>Nov 25 12:00:00 mail01.sotc.local sshd[1]: Failed password for root from 198.51.100.1 port 22 ssh2");
        r.kafkaTimestamp = 1_795_608_000_000L;
        SecurityEvent e = d.decode(r, r.kafkaTimestamp).event();
        assertThat(e.organization.id).isEqualTo("so-tc");
        assertThat(e.organization.name).isEqualTo("Sở Tài chính");
        assertThat(e.fields("asset.criticality")).isEqualTo("high");

        // The inventory says the device is so-tc's: a key that says so-yt is not believed.
        RawRecord keyed =
                RawRecord.of(
                        "syslog",
                        "<38>Nov 25 12:00:00 mail01.sotc.local sshd[1]: Failed password for root from 198.51.100.1 port 22 ssh2");
        keyed.key = "so-yt";
        keyed.kafkaTimestamp = r.kafkaTimestamp;
        DeadLetter k = d.decode(keyed, r.kafkaTimestamp).deadLetter();
        assertThat(k.reasonCode).isEqualTo("department_mismatch");
        assertThat(k.claimedDepartment).isEqualTo("so-yt");
        assertThat(k.department).isEqualTo("so-tc");

        // The two-argument constructor still works, without asset fields.
        RecordDecoder plain =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        assertThat(plain.decode(r, r.kafkaTimestamp).event().fields("asset.name")).isNull();
    }

    @Test
    void theShippedExampleIsValid() throws IOException {
        try (var in = AssetInventory.class.getResourceAsStream("assets.example.csv")) {
            AssetInventory inv =
                    AssetInventory.of(
                            new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                            DepartmentDirectory.defaults());
            assertThat(inv.size()).isEqualTo(8);
            SecurityEvent e = new SecurityEvent();
            e.ensureHost().name = "quay07.tthc.local";
            inv.enrich(e);
            assertThat(inv.lookupDevice(e).department()).isEqualTo("tt-hcc");
            assertThat(e.fields("asset.criticality")).isEqualTo("low");
        }
    }
}
