package org.socengine.connectors.decode;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.AssetInventory;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;
import org.socengine.model.SocTopics;

/**
 * Who may say which department a record belongs to, decided per raw topic (DESIGN.md, "Kafka
 * topics").
 *
 * <ul>
 *   <li><b>A department's topic</b>, {@code soc.raw.<source>.<department>}, is authoritative: Kafka
 *       ACLs let only that department's principal write to it (docs/kafka-acls.md), so the topic
 *       says who sent the record. A {@code department} header that names any other value, or a key
 *       that names another known department, is a spoofing attempt or a misconfigured shipper: the
 *       record is dead-lettered as {@code department_mismatch}.
 *   <li><b>A shared topic</b>, {@code soc.raw.<source>} (or {@code soc.raw.<source>.<name>} whose
 *       name is no department of the directory, e.g. a relay's), carries records of several
 *       departments, and nothing in a record proves who wrote it: a Kafka consumer learns a
 *       record's topic, partition, offset, timestamp, key, headers and value, never the producer's
 *       principal, client id or address. So the department comes, in order, from: the {@code
 *       department} header, only if configuration marks the topic's producers as trusted (a
 *       collector the SOC runs); the address or host name of the device that logged the event
 *       ({@code observer.*}, {@code host.*}) in the asset inventory or the department ranges; the
 *       record key, when it names a known department; the event's endpoint addresses ({@code
 *       source.ip}, {@code destination.ip}) in the department ranges. A header or key that
 *       contradicts the trusted header or the device address is dead-lettered as {@code
 *       department_mismatch}; an untrusted header never decides, but may still contradict.
 * </ul>
 *
 * A record no rule attributes is, by default, kept without a department (its alerts go to the
 * {@code soc-alerts-unattributed-*} indices); a topic may instead dead-letter it as {@code
 * department_unknown}. A department id that is not in the department directory is never given to an
 * event: a sender cannot create departments.
 */
public final class DepartmentTrustPolicy implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What becomes of a record no rule of the policy attributes to a department. */
    public enum Unattributed {
        /** Decoded without {@code organization.*}; its alerts go to the unattributed indices. */
        KEEP,
        /** Dead-lettered with reason {@code department_unknown}. */
        DEAD_LETTER;

        static Unattributed parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "keep" -> KEEP;
                case "dead_letter", "dead-letter" -> DEAD_LETTER;
                default -> null;
            };
        }
    }

    /** The options of one raw topic. */
    public record TopicOptions(boolean trustHeader, Unattributed unattributed)
            implements Serializable {}

    /** The outcome for one record: a department (null: none), or the reason it is dead-lettered. */
    public record Decision(
            String department,
            DecodeException.Reason refusal,
            String message,
            String claimed,
            String authoritative) {

        static Decision of(String department) {
            return new Decision(department, null, null, null, null);
        }

        public boolean refused() {
            return refusal != null;
        }
    }

    private final Unattributed defaultUnattributed;
    private final Map<String, TopicOptions> topics;

    public DepartmentTrustPolicy(
            Unattributed defaultUnattributed, Map<String, TopicOptions> topics) {
        this.defaultUnattributed = Objects.requireNonNull(defaultUnattributed);
        this.topics = new HashMap<>(topics);
    }

    /** No trusted producers, unattributed records kept: what a fresh installation runs. */
    public static DepartmentTrustPolicy defaults() {
        return new DepartmentTrustPolicy(Unattributed.KEEP, Map.of());
    }

    /** Configuration keys: see {@link #fromProperties}. */
    public static final String UNATTRIBUTED_KEY = "department.unattributed";

    public static final String TOPIC_PREFIX = "topic.";

    /**
     * The policy from configuration properties (the {@code ./soc run --config} file):
     *
     * <pre>
     * department.unattributed = keep | dead_letter          default for every topic (keep)
     * topic.&lt;topic&gt;.trust_header = true | false            shared topics only (false)
     * topic.&lt;topic&gt;.unattributed = keep | dead_letter
     * </pre>
     *
     * For example {@code topic.soc.raw.winlog.trust_header = true} for a Windows event collector
     * the SOC runs itself. Every problem is reported at once.
     *
     * @throws IllegalArgumentException naming every bad key or value
     */
    public static DepartmentTrustPolicy fromProperties(
            Map<String, String> properties, DepartmentDirectory directory) {
        List<String> problems = new ArrayList<>();
        Unattributed fallback = Unattributed.KEEP;
        String d = properties.get(UNATTRIBUTED_KEY);
        if (d != null) {
            fallback = Unattributed.parse(d);
            if (fallback == null) {
                problems.add(UNATTRIBUTED_KEY + ": '" + d + "' is not keep or dead_letter");
                fallback = Unattributed.KEEP;
            }
        }
        Map<String, Boolean> trust = new TreeMap<>();
        Map<String, Unattributed> unattributed = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(TOPIC_PREFIX)) {
                continue;
            }
            String rest = key.substring(TOPIC_PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String topic = dot < 0 ? rest : rest.substring(0, dot);
            String option = dot < 0 ? "" : rest.substring(dot + 1);
            String value = e.getValue() == null ? "" : e.getValue().strip();
            String source = Decoders.sourceOfTopic(topic);
            if (source == null || !Decoders.exists(source)) {
                problems.add(
                        key
                                + ": '"
                                + topic
                                + "' is not a raw topic soc.raw.<source>[.<department>] of a known"
                                + " source ("
                                + String.join(", ", Decoders.sources())
                                + ")");
                continue;
            }
            String department = SocTopics.departmentOf(topic);
            if (department != null && directory.get(department) == null) {
                // soc.raw.<source>.<name> of no department: a shared topic by another name.
                department = null;
            }
            switch (option) {
                case "trust_header" -> {
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        problems.add(key + ": '" + value + "' is not true or false");
                    } else if (department != null && value.equalsIgnoreCase("true")) {
                        problems.add(
                                key
                                        + ": "
                                        + topic
                                        + " names its department; a header there can only agree"
                                        + " with it or be dead-lettered, never be trusted");
                    } else {
                        trust.put(topic, Boolean.parseBoolean(value.toLowerCase(Locale.ROOT)));
                    }
                }
                case "unattributed" -> {
                    Unattributed u = Unattributed.parse(value);
                    if (u == null) {
                        problems.add(key + ": '" + value + "' is not keep or dead_letter");
                    } else {
                        unattributed.put(topic, u);
                    }
                }
                default ->
                        problems.add(
                                key
                                        + ": unknown topic option '"
                                        + option
                                        + "' (trust_header, unattributed)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "department trust policy: " + String.join("; ", problems));
        }
        Map<String, TopicOptions> topics = new HashMap<>();
        java.util.Set<String> named = new java.util.TreeSet<>(trust.keySet());
        named.addAll(unattributed.keySet());
        for (String t : named) {
            topics.put(
                    t,
                    new TopicOptions(
                            trust.getOrDefault(t, false), unattributed.getOrDefault(t, fallback)));
        }
        return new DepartmentTrustPolicy(fallback, topics);
    }

    /** The options in effect for a topic. */
    public TopicOptions options(String topic) {
        TopicOptions o = topics.get(topic);
        return o != null ? o : new TopicOptions(false, defaultUnattributed);
    }

    /**
     * Decides the department of a decoded record.
     *
     * @param assets the asset inventory, or null
     */
    public Decision decide(
            RawRecord record,
            SecurityEvent event,
            DepartmentDirectory directory,
            AssetInventory assets) {
        // A record read from a file (./soc decode) is judged as if read from its source's topic.
        String topic = SocTopics.isRaw(record.topic) ? record.topic : SocTopics.raw(record.source);
        String header = blankToNull(record.departmentHeader);
        String key = blankToNull(record.key);
        String keyDepartment = key != null && directory.get(key) != null ? key : null;
        if (record.conflictingDepartmentHeaders) {
            return refuse(
                    DecodeException.Reason.DEPARTMENT_MISMATCH,
                    "the record carries several department headers that disagree",
                    header,
                    null);
        }
        String owner = SocTopics.departmentOf(topic);
        if (owner != null && directory.get(owner) != null) {
            if (header != null && !header.equals(owner)) {
                return mismatch("department header", header, owner, "topic " + topic);
            }
            if (keyDepartment != null && !keyDepartment.equals(owner)) {
                return mismatch("record key", keyDepartment, owner, "topic " + topic);
            }
            return Decision.of(owner);
        }
        TopicOptions options = options(topic);
        if (options.trustHeader() && header != null) {
            if (directory.get(header) == null) {
                return refuse(
                        DecodeException.Reason.DEPARTMENT_UNKNOWN,
                        "the trusted department header names '"
                                + header
                                + "', which is not in the department directory",
                        header,
                        null);
            }
            if (keyDepartment != null && !keyDepartment.equals(header)) {
                return mismatch("record key", keyDepartment, header, "the trusted header");
            }
            return Decision.of(header);
        }
        String device = deviceDepartment(event, directory, assets);
        if (device != null) {
            if (header != null && !header.equals(device)) {
                return mismatch("department header", header, device, "the device's address");
            }
            if (keyDepartment != null && !keyDepartment.equals(device)) {
                return mismatch("record key", keyDepartment, device, "the device's address");
            }
            return Decision.of(device);
        }
        if (keyDepartment != null) {
            if (header != null && !header.equals(keyDepartment)) {
                return mismatch("department header", header, keyDepartment, "the record key");
            }
            return Decision.of(keyDepartment);
        }
        String endpoint = endpointDepartment(event, directory, assets);
        if (endpoint != null) {
            return Decision.of(endpoint);
        }
        if (options.unattributed() == Unattributed.DEAD_LETTER) {
            return refuse(
                    DecodeException.Reason.DEPARTMENT_UNKNOWN,
                    "no department: topic "
                            + topic
                            + " is shared, "
                            + (header != null ? "its header is not trusted, " : "")
                            + "and neither the key nor an address names a known department",
                    header != null ? header : key,
                    null);
        }
        return Decision.of(null);
    }

    /**
     * The department of the device that logged the event: its host name or address in the asset
     * inventory, else its address in the department ranges. Not the event's source or destination,
     * which name whoever the device talked to.
     */
    static String deviceDepartment(
            SecurityEvent e, DepartmentDirectory directory, AssetInventory assets) {
        if (assets != null) {
            AssetInventory.Asset a = assets.lookupDevice(e);
            if (a != null && a.department() != null && directory.get(a.department()) != null) {
                return a.department();
            }
        }
        return directory.byRange(
                e.observer == null ? null : e.observer.ip, e.host == null ? null : e.host.ip);
    }

    /** The department of the event's source, else destination address: the weakest evidence. */
    static String endpointDepartment(
            SecurityEvent e, DepartmentDirectory directory, AssetInventory assets) {
        String[] ips = {
            e.source == null ? null : e.source.ip, e.destination == null ? null : e.destination.ip
        };
        if (assets != null) {
            for (String ip : ips) {
                AssetInventory.Asset a = assets.lookupAddress(ip);
                if (a != null && a.department() != null && directory.get(a.department()) != null) {
                    return a.department();
                }
            }
        }
        return directory.byRange(ips);
    }

    private static Decision mismatch(String what, String claimed, String authoritative, String by) {
        return refuse(
                DecodeException.Reason.DEPARTMENT_MISMATCH,
                "the "
                        + what
                        + " claims department '"
                        + claimed
                        + "' but "
                        + by
                        + " says '"
                        + authoritative
                        + "'",
                claimed,
                authoritative);
    }

    private static Decision refuse(
            DecodeException.Reason reason, String message, String claimed, String authoritative) {
        return new Decision(null, reason, message, claimed, authoritative);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public String toString() {
        return "DepartmentTrustPolicy{unattributed="
                + defaultUnattributed
                + ", topics="
                + topics
                + '}';
    }
}
