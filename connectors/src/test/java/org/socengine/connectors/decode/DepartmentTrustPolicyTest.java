package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.AssetInventory;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;

/**
 * Every combination of topic kind, {@code department} header, record key and device address, each
 * against the policy as docs/sources.md states it.
 */
class DepartmentTrustPolicyTest {

    private static final DepartmentDirectory DIRECTORY = DepartmentDirectory.defaults();
    private static final String OWN = "so-yt"; // 10.12.0.0/16
    private static final String OTHER = "so-tc"; // 10.11.0.0/16
    private static final String UNKNOWN = "so-nowhere";

    private static final DepartmentTrustPolicy POLICY =
            DepartmentTrustPolicy.fromProperties(
                    Map.of("topic.soc.raw.winlog.trust_header", "true"), DIRECTORY);

    enum Topic {
        /** soc.raw.syslog.so-yt: written only by so-yt's principal. */
        DEPARTMENT("soc.raw.syslog.so-yt", "syslog"),
        /** soc.raw.syslog: shared, producers not trusted. */
        SHARED("soc.raw.syslog", "syslog"),
        /** soc.raw.winlog with trust_header: a collector the SOC runs. */
        SHARED_TRUSTED("soc.raw.winlog", "winlog");

        final String name;
        final String source;

        Topic(String name, String source) {
            this.name = name;
            this.source = source;
        }
    }

    enum Address {
        NONE(null),
        OWN("10.12.3.4"),
        OTHER("10.11.3.4");

        final String ip;

        Address(String ip) {
            this.ip = ip;
        }
    }

    /** What the policy must decide: a department (null: none), or a refusal. */
    record Expected(String department, String refusal) {
        static Expected department(String d) {
            return new Expected(d, null);
        }

        static Expected mismatch() {
            return new Expected(null, "department_mismatch");
        }

        static Expected unknown() {
            return new Expected(null, "department_unknown");
        }
    }

    static Stream<Arguments> combinations() {
        String[] claims = {null, OWN, OTHER, UNKNOWN};
        List<Arguments> out = new ArrayList<>();
        for (Topic t : Topic.values()) {
            for (String header : claims) {
                for (String key : claims) {
                    for (Address a : Address.values()) {
                        out.add(Arguments.of(t, header, key, a));
                    }
                }
            }
        }
        return out.stream();
    }

    /** The policy of docs/sources.md, written out case by case. */
    static Expected expected(Topic topic, String header, String key, Address address) {
        // A key names a department only when the directory knows it (keys may partition).
        String knownKey = key != null && DIRECTORY.get(key) != null ? key : null;
        switch (topic) {
            case DEPARTMENT -> {
                if (header != null && !header.equals(OWN)) {
                    return Expected.mismatch();
                }
                if (knownKey != null && !knownKey.equals(OWN)) {
                    return Expected.mismatch();
                }
                return Expected.department(OWN);
            }
            case SHARED_TRUSTED -> {
                if (header != null) {
                    if (DIRECTORY.get(header) == null) {
                        return Expected.unknown();
                    }
                    return knownKey != null && !knownKey.equals(header)
                            ? Expected.mismatch()
                            : Expected.department(header);
                }
                return shared(null, knownKey, address);
            }
            default -> {
                return shared(header, knownKey, address);
            }
        }
    }

    private static Expected shared(String header, String knownKey, Address address) {
        String device =
                switch (address) {
                    case OWN -> OWN;
                    case OTHER -> OTHER;
                    case NONE -> null;
                };
        if (device != null) {
            if ((header != null && !header.equals(device))
                    || (knownKey != null && !knownKey.equals(device))) {
                return Expected.mismatch();
            }
            return Expected.department(device);
        }
        if (knownKey != null) {
            return header != null && !header.equals(knownKey)
                    ? Expected.mismatch()
                    : Expected.department(knownKey);
        }
        // An untrusted header alone never decides; the default keeps the record unattributed.
        return Expected.department(null);
    }

    private static RawRecord record(Topic topic, String header, String key) {
        RawRecord r = new RawRecord();
        r.topic = topic.name;
        r.source = topic.source;
        r.partition = 2;
        r.offset = 77;
        r.departmentHeader = header;
        r.key = key;
        return r;
    }

    private static SecurityEvent event(Address address) {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = 1_795_608_000_000L;
        if (address.ip != null) {
            e.ensureObserver().ip = address.ip;
        }
        // An external source: endpoint addresses attribute nothing here.
        e.ensureSource().ip = "203.0.113.9";
        return e;
    }

    @ParameterizedTest(name = "{0} header={1} key={2} device={3}")
    @MethodSource("combinations")
    void everyCombination(Topic topic, String header, String key, Address address) {
        DepartmentTrustPolicy.Decision d =
                POLICY.decide(record(topic, header, key), event(address), DIRECTORY, null);
        Expected want = expected(topic, header, key, address);

        if (want.refusal() == null) {
            assertThat(d.refused()).as(d.message()).isFalse();
            assertThat(d.department()).isEqualTo(want.department());
        } else {
            assertThat(d.refused()).isTrue();
            assertThat(d.refusal().name().toLowerCase()).isEqualTo(want.refusal());
            assertThat(d.message()).isNotBlank();
            if (want.refusal().equals("department_mismatch")) {
                assertThat(d.claimed()).isNotNull().isNotEqualTo(d.authoritative());
                assertThat(d.authoritative()).isNotNull();
            }
        }
    }

    @Test
    void theCombinationsCoverEachOutcome() {
        List<Expected> all =
                combinations()
                        .map(
                                a -> {
                                    Object[] x = a.get();
                                    return expected(
                                            (Topic) x[0],
                                            (String) x[1],
                                            (String) x[2],
                                            (Address) x[3]);
                                })
                        .toList();
        assertThat(all).hasSize(3 * 4 * 4 * 3);
        assertThat(all)
                .contains(
                        Expected.mismatch(),
                        Expected.unknown(),
                        Expected.department(OWN),
                        Expected.department(OTHER),
                        Expected.department(null));
    }

    @Test
    void aTopicMayDeadLetterWhatNobodyAttributes() {
        DepartmentTrustPolicy strict =
                DepartmentTrustPolicy.fromProperties(
                        Map.of("topic.soc.raw.syslog.unattributed", "dead_letter"), DIRECTORY);
        DepartmentTrustPolicy.Decision d =
                strict.decide(
                        record(Topic.SHARED, "so-tc", null), event(Address.NONE), DIRECTORY, null);
        assertThat(d.refusal()).isEqualTo(DecodeException.Reason.DEPARTMENT_UNKNOWN);
        assertThat(d.message()).contains("header is not trusted");
        // Other topics keep the default.
        assertThat(
                        strict.decide(
                                        record(Topic.SHARED_TRUSTED, null, null),
                                        event(Address.NONE),
                                        DIRECTORY,
                                        null)
                                .refused())
                .isFalse();
        DepartmentTrustPolicy allStrict =
                DepartmentTrustPolicy.fromProperties(
                        Map.of("department.unattributed", "dead_letter"), DIRECTORY);
        assertThat(allStrict.options("soc.raw.dns").unattributed())
                .isEqualTo(DepartmentTrustPolicy.Unattributed.DEAD_LETTER);
    }

    /**
     * soc.raw.<source>.<name> of no known department (a relay's topic, one created before the
     * directory was updated) is a shared topic: its name never becomes a department.
     */
    @Test
    void aTopicNamedForNoKnownDepartmentIsShared() {
        RawRecord r = record(Topic.DEPARTMENT, null, null);
        r.topic = "soc.raw.syslog.so-elsewhere";
        assertThat(POLICY.decide(r, event(Address.NONE), DIRECTORY, null).department()).isNull();
        assertThat(POLICY.decide(r, event(Address.OTHER), DIRECTORY, null).department())
                .isEqualTo(OTHER);
        r.departmentHeader = "so-elsewhere";
        r.key = OWN;
        assertThat(POLICY.decide(r, event(Address.NONE), DIRECTORY, null).refusal())
                .isEqualTo(DecodeException.Reason.DEPARTMENT_MISMATCH);
    }

    @Test
    void disagreeingDuplicateHeadersAreAMismatchEvenOnATrustedTopic() {
        RawRecord r = record(Topic.SHARED_TRUSTED, OWN, null);
        r.conflictingDepartmentHeaders = true;
        assertThat(POLICY.decide(r, event(Address.NONE), DIRECTORY, null).refusal())
                .isEqualTo(DecodeException.Reason.DEPARTMENT_MISMATCH);
    }

    @Test
    void theInventoryNamesTheDeviceBeforeTheRanges() throws Exception {
        AssetInventory inv =
                AssetInventory.of(
                        "match,department,asset,owner,criticality\n"
                                + "10.12.3.4,so-tc,Shared relay,noc@so-tc,low\n"
                                + "fw01.sotc.local,so-tc,Firewall,noc@so-tc,high\n",
                        DIRECTORY);
        // 10.12.3.4 is in so-yt's range, but the inventory says that one host is so-tc's.
        assertThat(
                        POLICY.decide(
                                        record(Topic.SHARED, null, null),
                                        event(Address.OWN),
                                        DIRECTORY,
                                        inv)
                                .department())
                .isEqualTo(OTHER);
        SecurityEvent named = event(Address.NONE);
        named.ensureObserver().hostname = "fw01.sotc.local";
        assertThat(POLICY.decide(record(Topic.SHARED, null, OWN), named, DIRECTORY, inv).refusal())
                .isEqualTo(DecodeException.Reason.DEPARTMENT_MISMATCH);
    }

    @Test
    void endpointAddressesAttributeOnlyWhenNothingElseDoes() {
        SecurityEvent e = new SecurityEvent();
        e.timestamp = 1;
        e.ensureSource().ip = "10.11.9.9";
        assertThat(POLICY.decide(record(Topic.SHARED, null, null), e, DIRECTORY, null).department())
                .isEqualTo(OTHER);
        // An attacker's address inside another department never contradicts the key.
        assertThat(POLICY.decide(record(Topic.SHARED, null, OWN), e, DIRECTORY, null).department())
                .isEqualTo(OWN);
    }

    @Test
    void configurationIsValidatedAndEveryProblemNamed() {
        assertThatThrownBy(
                        () ->
                                DepartmentTrustPolicy.fromProperties(
                                        Map.of(
                                                "topic.soc.raw.syslog.so-yt.trust_header", "true",
                                                "topic.soc.raw.nosuch.trust_header", "true",
                                                "topic.soc.raw.syslog.trust_header", "yes",
                                                "topic.soc.raw.dns.colour", "red",
                                                "department.unattributed", "drop"),
                                        DIRECTORY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("soc.raw.syslog.so-yt names its department")
                .hasMessageContaining("'soc.raw.nosuch' is not a raw topic")
                .hasMessageContaining("'yes' is not true or false")
                .hasMessageContaining("unknown topic option 'colour'")
                .hasMessageContaining("department.unattributed: 'drop'");
        DepartmentTrustPolicy p = DepartmentTrustPolicy.fromProperties(Map.of(), DIRECTORY);
        assertThat(p.options("soc.raw.syslog").trustHeader()).isFalse();
        assertThat(p.options("soc.raw.syslog").unattributed())
                .isEqualTo(DepartmentTrustPolicy.Unattributed.KEEP);
    }

    @Test
    void theDirectoryRefusesReservedAndMalformedIds() {
        assertThatThrownBy(() -> DepartmentDirectory.parse("province\tThe province\t\n"))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> DepartmentDirectory.parse("So YT\tSở Y tế\t\n"))
                .hasMessageContaining("lower-case");
    }
}
