package org.socengine.connectors.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.socengine.model.SecurityEvent;

class IndicatorIndexTest {

    private static final long T = 1_790_000_000_000L;

    private static Indicator ind(IndicatorKind kind, String value, int confidence) {
        return Indicator.of(kind, value, "test-feed", confidence);
    }

    private static SecurityEvent flow(String src, String dst) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = T;
        e.ensureSource().ip = src;
        e.ensureDestination().ip = dst;
        return e;
    }

    @Test
    void exactAddressesAndTheMostSpecificRangesMatchOnEitherSide() {
        IndicatorIndex idx =
                IndicatorIndex.of(
                        List.of(
                                ind(IndicatorKind.IP, "198.51.100.66", 80),
                                ind(IndicatorKind.IP, "203.0.113.0/24", 60),
                                ind(IndicatorKind.IP, "203.0.0.0/16", 40),
                                ind(IndicatorKind.IP, "2001:db8::/32", 70),
                                ind(IndicatorKind.IP, "2001:DB8:0:0::1", 90)));
        assertThat(idx.size()).isEqualTo(5);

        SecurityEvent out = flow("10.0.0.1", "198.51.100.66");
        assertThat(idx.enrich(out)).isEqualTo(1);
        assertThat(out.threat.indicator.value).isEqualTo("198.51.100.66");
        assertThat(out.threat.enrichments.get(0).matched.field).isEqualTo("destination.ip");
        assertThat(out.threat.enrichments.get(0).matched.type).isEqualTo("indicator_match_rule");
        assertThat(out.threat.enrichments.get(0).indicator.provider).isEqualTo("test-feed");

        SecurityEvent scan = flow("203.0.113.7", "10.0.0.1");
        assertThat(idx.enrich(scan)).isEqualTo(2);
        // Longest prefix first; the strongest (highest confidence) is the one rules read.
        assertThat(scan.threat.enrichments)
                .extracting(x -> x.indicator.value)
                .containsExactly("203.0.113.0/24", "203.0.0.0/16");
        assertThat(scan.threat.indicator.value).isEqualTo("203.0.113.0/24");

        SecurityEvent v6 = flow("2001:db8::1", "10.0.0.1");
        assertThat(idx.enrich(v6)).isEqualTo(2);
        assertThat(v6.threat.indicator.value).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(v6.threat.indicator.type).isEqualTo("ipv6-addr");
        assertThat(v6.threat.enrichments.get(0).matched.atomic).isEqualTo("2001:db8::1");

        SecurityEvent mapped = flow("::ffff:198.51.100.66", null);
        assertThat(idx.enrich(mapped)).isEqualTo(1);

        SecurityEvent clean = flow("10.0.0.1", "192.0.2.1");
        assertThat(idx.enrich(clean)).isZero();
        assertThat(clean.threat).isNull();
    }

    @Test
    void aDomainMatchesItselfAndEveryNameBelowItButNotLookAlikes() {
        IndicatorIndex idx =
                IndicatorIndex.of(List.of(ind(IndicatorKind.DOMAIN, "Evil.Example.", 90)));
        for (String name : List.of("evil.example", "EVIL.example.", "a.b.evil.example")) {
            SecurityEvent e = new SecurityEvent();
            e.timestamp = T;
            e.ensureDns().question = new SecurityEvent.Question();
            e.dns.question.name = name;
            assertThat(idx.enrich(e)).as(name).isEqualTo(1);
            assertThat(e.threat.enrichments.get(0).matched.field).isEqualTo("dns.question.name");
            assertThat(e.threat.indicator.type).isEqualTo("domain-name");
        }
        for (String name : List.of("notevil.example", "evil.example.com", "example")) {
            SecurityEvent e = new SecurityEvent();
            e.timestamp = T;
            e.ensureDns().question = new SecurityEvent.Question();
            e.dns.question.name = name;
            assertThat(idx.enrich(e)).as(name).isZero();
        }
        SecurityEvent tls = new SecurityEvent();
        tls.timestamp = T;
        tls.field("tls.client.server_name", "cdn.evil.example");
        assertThat(idx.enrich(tls)).isEqualTo(1);
    }

    @Test
    void urlsHashesAndMailAddressesMatchInTheirCanonicalForm() {
        IndicatorIndex idx =
                IndicatorIndex.of(
                        List.of(
                                ind(
                                        IndicatorKind.URL,
                                        "HTTP://Evil.Example:80/drop/x.exe?a=1#frag",
                                        80),
                                ind(
                                        IndicatorKind.SHA256,
                                        "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
                                        70),
                                ind(IndicatorKind.MD5, "d41d8cd98f00b204e9800998ecf8427e", 60),
                                ind(IndicatorKind.EMAIL, "Phish@Bad.Example", 75)));
        SecurityEvent web = new SecurityEvent();
        web.timestamp = T;
        web.ensureUrl().original = "/drop/x.exe?a=1";
        web.url.domain = "evil.example";
        assertThat(idx.enrich(web)).isEqualTo(1);
        assertThat(web.threat.indicator.value).isEqualTo("evil.example/drop/x.exe?a=1");

        SecurityEvent suricata = new SecurityEvent();
        suricata.timestamp = T;
        suricata.field(
                "file.hash.sha256",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        assertThat(idx.enrich(suricata)).isEqualTo(1);

        SecurityEvent sysmon = new SecurityEvent();
        sysmon.timestamp = T;
        sysmon.field("Hashes", "SHA1=AAAA,MD5=D41D8CD98F00B204E9800998ECF8427E,IMPHASH=00");
        assertThat(idx.enrich(sysmon)).isEqualTo(1);
        assertThat(sysmon.threat.enrichments.get(0).matched.field).isEqualTo("fields.Hashes");

        SecurityEvent mail = new SecurityEvent();
        mail.timestamp = T;
        mail.field("mailfrom", "<phish@bad.example>");
        assertThat(idx.enrich(mail)).isEqualTo(1);
        assertThat(mail.threat.indicator.type).isEqualTo("email-addr");
    }

    @Test
    void anIndicatorStopsMatchingAtItsExpiryInEventTime() {
        Indicator i = ind(IndicatorKind.IP, "198.51.100.9", 80);
        i.validUntil = T;
        IndicatorIndex idx = IndicatorIndex.of(List.of(i));
        SecurityEvent before = flow("198.51.100.9", null);
        before.timestamp = T - 1;
        assertThat(idx.enrich(before)).isEqualTo(1);
        SecurityEvent at = flow("198.51.100.9", null);
        assertThat(idx.enrich(at)).isZero();
    }

    @Test
    void removingByKeyTakesExactAndRangeIndicatorsOut() {
        IndicatorIndex idx =
                IndicatorIndex.of(
                        List.of(
                                ind(IndicatorKind.IP, "198.51.100.9", 80),
                                ind(IndicatorKind.IP, "10.0.0.0/8", 80),
                                ind(IndicatorKind.DOMAIN, "evil.example", 80)));
        idx.remove("ip:198.51.100.9");
        idx.remove("ip:10.0.0.0/8");
        idx.remove("domain:evil.example");
        idx.remove("nonsense");
        assertThat(idx.size()).isZero();
        assertThat(idx.enrich(flow("198.51.100.9", "10.1.2.3"))).isZero();
    }

    @Test
    void valuesAreValidatedWithTheReason() {
        assertThatThrownBy(() -> Indicator.normalize(IndicatorKind.IP, "10.0.0.1/8"))
                .hasMessageContaining("not an IPv4 or IPv6 address");
        assertThatThrownBy(() -> Indicator.normalize(IndicatorKind.IP, "999.1.1.1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Indicator.normalize(IndicatorKind.SHA256, "abc"))
                .hasMessageContaining("not a SHA256 hash");
        assertThatThrownBy(() -> Indicator.normalize(IndicatorKind.DOMAIN, "bad domain"))
                .hasMessageContaining("not a domain name");
        assertThatThrownBy(() -> Indicator.normalize(IndicatorKind.EMAIL, "nobody"))
                .hasMessageContaining("not an e-mail address");
        assertThat(Indicator.normalize(IndicatorKind.IP, "2001:DB8::/32"))
                .isEqualTo("2001:db8:0:0:0:0:0:0/32");
        assertThat(Indicator.normalize(IndicatorKind.IP, "198.51.100.7/32"))
                .isEqualTo("198.51.100.7");
    }

    @Test
    void theJsonOnTheTopicRoundTrips() throws Exception {
        Indicator i = ind(IndicatorKind.DOMAIN, "evil.example", 77);
        i.firstSeen = 1_700_000_000_000L;
        i.lastSeen = 1_700_000_100_000L;
        i.validUntil = 1_800_000_000_000L;
        i.hunt = true;
        i.description = "C2";
        assertThat(Indicator.fromJson(i.toJson())).isEqualTo(i);
        assertThat(i.key()).isEqualTo("domain:evil.example");
        Map<String, Indicator> m = new java.util.HashMap<>();
        List<String> bad = new java.util.ArrayList<>();
        IntelTopic.apply("domain:evil.example".getBytes(), i.toJson().getBytes(), m, bad);
        IntelTopic.apply("x".getBytes(), "{not json".getBytes(), m, bad);
        assertThat(m).containsOnlyKeys("domain:evil.example");
        assertThat(bad).hasSize(1);
        IntelTopic.apply("domain:evil.example".getBytes(), null, m, bad);
        assertThat(m).isEmpty();
    }
}
