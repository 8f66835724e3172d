package org.socengine.connectors.intel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedFormatsTest {

    @TempDir Path dir;

    @Test
    void csvWithEveryColumnAndItsProblemsByLine() throws Exception {
        Path f = dir.resolve("feed.csv");
        Files.writeString(
                f,
                String.join(
                        "\n",
                        "# a comment",
                        "type,value,source,confidence,first_seen,last_seen,valid_until,hunt,description,deleted",
                        "ip,198.51.100.66,vncert,80,2026-11-01,2026-11-20T10:00:00Z,2026-12-31,true,\"C2, campaign X\",",
                        "cidr,203.0.113.0/24,,60,,,,,,",
                        "domain,evil.example,vncert,90,,,,,,",
                        "sha256,9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,vt,70,,,,,,",
                        "ip,192.0.2.1,vncert,80,,,,,,true",
                        "ip,10.0.0.1/8,vncert,80,,,,,,",
                        "colour,red,vncert,80,,,,,,",
                        "ip,192.0.2.9,vncert,180,,,,,,",
                        "email,x@y.example,,,,,soon,,,",
                        ""));
        FeedLoad load = IntelFiles.load(f);
        assertThat(load.countsByKind())
                .containsEntry("ip", 2)
                .containsEntry("domain", 1)
                .containsEntry("sha256", 1);
        assertThat(load.deletes).containsExactly("ip:192.0.2.1");
        assertThat(load.problems)
                .hasSize(4)
                .anySatisfy(p -> assertThat(p).startsWith(f + ":8: ").contains("not an IPv4"))
                .anySatisfy(
                        p -> assertThat(p).startsWith(f + ":9: ").contains("unknown type 'colour'"))
                .anySatisfy(
                        p -> assertThat(p).startsWith(f + ":10: ").contains("between 0 and 100"))
                .anySatisfy(p -> assertThat(p).startsWith(f + ":11: ").contains("not a time"));
        Indicator c2 = load.indicators.get("ip:198.51.100.66");
        assertThat(c2.hunt).isTrue();
        assertThat(c2.description).isEqualTo("C2, campaign X");
        assertThat(c2.validUntil)
                .isEqualTo(java.time.Instant.parse("2026-12-31T00:00:00Z").toEpochMilli());
        assertThat(load.indicators.get("ip:203.0.113.0/24").source).isEqualTo("csv:feed.csv");
        assertThat(load.summary())
                .contains("4 indicators")
                .contains("1 delete")
                .contains("4 problems");
    }

    @Test
    void stixBundleIndicatorsWithOrAndRevocationAndWhatIsSkipped() throws Exception {
        Path f = dir.resolve("bundle.json");
        Files.writeString(
                f,
                """
                {"type": "bundle", "id": "bundle--1", "objects": [
                  {"type": "identity", "id": "identity--vn", "name": "VNCERT"},
                  {"type": "indicator", "id": "indicator--a", "created_by_ref": "identity--vn",
                   "pattern_type": "stix", "confidence": 85, "valid_from": "2026-11-01T00:00:00Z",
                   "valid_until": "2027-01-01T00:00:00Z", "name": "C2",
                   "pattern": "[ipv4-addr:value = '198.51.100.7' OR domain-name:value = 'evil.example']"},
                  {"type": "indicator", "id": "indicator--b", "pattern_type": "stix",
                   "pattern": "[file:hashes.'SHA-256' = '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08'] OR [url:value = 'https://evil.example/x'] OR [email-addr:value = 'a@bad.example'] OR [ipv6-addr:value = '2001:db8::/48'] WITHIN 300 SECONDS"},
                  {"type": "indicator", "id": "indicator--c", "pattern_type": "stix",
                   "pattern": "[ipv4-addr:value = '192.0.2.1' AND network-traffic:dst_port = 443]"},
                  {"type": "indicator", "id": "indicator--d", "pattern_type": "snort", "pattern": "alert tcp any"},
                  {"type": "indicator", "id": "indicator--e", "pattern_type": "stix", "revoked": true,
                   "pattern": "[ipv4-addr:value = '192.0.2.66']"},
                  {"type": "indicator", "id": "indicator--f", "pattern_type": "stix",
                   "pattern": "[ipv4-addr:value = 'not-an-ip']"},
                  {"type": "indicator", "id": "indicator--g", "pattern_type": "stix",
                   "pattern": "[ipv4-addr:value = '1.2.3.4'"}
                ]}
                """);
        FeedLoad load = IntelFiles.load(f);
        assertThat(load.indicators.keySet())
                .containsExactlyInAnyOrder(
                        "ip:198.51.100.7",
                        "domain:evil.example",
                        "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                        "url:evil.example/x",
                        "email:a@bad.example",
                        "ip:2001:db8:0:0:0:0:0:0/48");
        Indicator a = load.indicators.get("ip:198.51.100.7");
        assertThat(a.source).isEqualTo("VNCERT");
        assertThat(a.confidence).isEqualTo(85);
        assertThat(a.validUntil)
                .isEqualTo(java.time.Instant.parse("2027-01-01T00:00:00Z").toEpochMilli());
        assertThat(load.indicators.get("url:evil.example/x").source).isEqualTo("stix");
        assertThat(load.deletes).containsExactly("ip:192.0.2.66");
        assertThat(load.skipped)
                .containsEntry("pattern with AND or FOLLOWEDBY", 1)
                .containsEntry("pattern_type snort", 1);
        assertThat(load.problems)
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith(f + ": indicator--f: "))
                .anySatisfy(
                        p ->
                                assertThat(p)
                                        .startsWith(f + ": indicator--g: ")
                                        .contains("missing ']'"));
    }

    @Test
    void mispEventAttributesObjectsAndDeletions() throws Exception {
        Path f = dir.resolve("misp.json");
        Files.writeString(
                f,
                """
                {"response": [{"Event": {"uuid": "ev-1", "info": "Phishing wave", "threat_level_id": "1",
                  "Orgc": {"name": "CIRCL"},
                  "Attribute": [
                    {"uuid": "a1", "type": "ip-dst", "value": "198.51.100.8", "to_ids": true},
                    {"uuid": "a2", "type": "ip-src|port", "value": "203.0.113.9|4444", "to_ids": true},
                    {"uuid": "a3", "type": "hostname", "value": "mail.bad.example", "to_ids": true},
                    {"uuid": "a4", "type": "domain|ip", "value": "c2.bad.example|192.0.2.44", "to_ids": true},
                    {"uuid": "a5", "type": "email-src", "value": "ceo@bad.example", "to_ids": true},
                    {"uuid": "a6", "type": "filename|md5", "value": "inv.doc|d41d8cd98f00b204e9800998ecf8427e", "to_ids": true},
                    {"uuid": "a7", "type": "comment", "value": "free text"},
                    {"uuid": "a8", "type": "ip-dst", "value": "192.0.2.200", "to_ids": false},
                    {"uuid": "a9", "type": "ip-dst", "value": "192.0.2.201", "to_ids": true, "deleted": true},
                    {"uuid": "a10", "type": "sha1", "value": "xyz", "to_ids": true}
                  ],
                  "Object": [{"Attribute": [{"uuid": "o1", "type": "url", "value": "http://bad.example/login", "to_ids": true}]}]
                }}]}
                """);
        FeedLoad load = IntelFiles.load(f);
        assertThat(load.indicators.keySet())
                .containsExactlyInAnyOrder(
                        "ip:198.51.100.8",
                        "ip:203.0.113.9",
                        "domain:mail.bad.example",
                        "domain:c2.bad.example",
                        "ip:192.0.2.44",
                        "email:ceo@bad.example",
                        "md5:d41d8cd98f00b204e9800998ecf8427e",
                        "url:bad.example/login");
        Indicator i = load.indicators.get("ip:198.51.100.8");
        assertThat(i.source).isEqualTo("CIRCL");
        assertThat(i.confidence).isEqualTo(90);
        assertThat(i.description).isEqualTo("Phishing wave");
        assertThat(load.deletes).containsExactly("ip:192.0.2.201");
        assertThat(load.skipped)
                .containsEntry("MISP type comment", 1)
                .containsEntry("to_ids false", 1);
        assertThat(load.problems)
                .singleElement()
                .satisfies(
                        p ->
                                assertThat(p)
                                        .contains("event ev-1 attribute a10")
                                        .contains("not a SHA1"));
    }

    @Test
    void aFolderLoadsItsFeedsAndUnknownJsonIsAProblem() throws Exception {
        Files.writeString(dir.resolve("a.csv"), "type,value\ndomain,evil.example\n");
        Files.writeString(dir.resolve("b.json"), "{\"hello\": 1}");
        Files.writeString(dir.resolve("notes.txt"), "ignored");
        FeedLoad load = IntelFiles.load(dir);
        assertThat(load.files).isEqualTo(2);
        assertThat(load.indicators).containsOnlyKeys("domain:evil.example");
        assertThat(load.problems)
                .singleElement()
                .satisfies(p -> assertThat(p).contains("b.json").contains("neither a STIX"));
        assertThat(List.copyOf(load.indicators.values()).get(0).confidence).isEqualTo(50);
    }
}
