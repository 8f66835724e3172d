package org.socengine.connectors.decode;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.Decoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.enrich.AssetInventory;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;

/**
 * The whole decode stage for one record: pick the decoder of its source, decode, attribute the
 * department. Every record ends as exactly one of: an event, a dead letter, or a skipped control
 * record. Used by the job and by {@code ./soc decode}, so both behave the same.
 */
public final class RecordDecoder implements Serializable {

    /**
     * What became of a record. Exactly one of {@code event} and {@code deadLetter} is set, or
     * neither when skipped.
     */
    public record Outcome(SecurityEvent event, DeadLetter deadLetter) {
        public boolean skipped() {
            return event == null && deadLetter == null;
        }
    }

    private final DecoderOptions options;
    private final Map<String, DecoderOptions> perSource;
    private final DepartmentDirectory departments;
    private final DepartmentTrustPolicy trust;
    private final AssetInventory assets;
    private transient Map<String, Decoder> decoders;

    /** What this stage runs with, for logs and for comparing two deployments' settings. */
    public String describe() {
        return "options="
                + options
                + " perSource="
                + new java.util.TreeMap<>(perSource)
                + " departments="
                + departments.all().stream().map(d -> d.id()).sorted().toList()
                + " trust="
                + trust
                + " assets="
                + (assets == null ? "none" : assets.size());
    }

    public RecordDecoder(DecoderOptions options, DepartmentDirectory departments) {
        this(options, departments, null);
    }

    /**
     * @param assets the asset inventory, or null; it adds asset fields, and the department when the
     *     header, key, topic and department ranges named none
     */
    public RecordDecoder(
            DecoderOptions options, DepartmentDirectory departments, AssetInventory assets) {
        this(options, Map.of(), departments, assets);
    }

    /**
     * @param perSource options of particular sources (a department's firewalls log in local time,
     *     its web servers in UTC); the others use {@code options}
     */
    public RecordDecoder(
            DecoderOptions options,
            Map<String, DecoderOptions> perSource,
            DepartmentDirectory departments,
            AssetInventory assets) {
        this(options, perSource, departments, DepartmentTrustPolicy.defaults(), assets);
    }

    /**
     * @param trust who may name a record's department, per raw topic
     */
    public RecordDecoder(
            DecoderOptions options,
            Map<String, DecoderOptions> perSource,
            DepartmentDirectory departments,
            DepartmentTrustPolicy trust,
            AssetInventory assets) {
        this.options = options;
        this.perSource = new HashMap<>(perSource);
        this.departments = departments;
        this.trust = trust;
        this.assets = assets;
    }

    public DepartmentTrustPolicy trustPolicy() {
        return trust;
    }

    /** The asset inventory, or null. */
    public AssetInventory assets() {
        return assets;
    }

    public Outcome decode(RawRecord record, long now) {
        String source =
                record.source != null ? record.source : Decoders.sourceOfTopic(record.topic);
        if (source == null || !Decoders.exists(source)) {
            return dead(
                    record,
                    "none",
                    new DecodeException(
                            DecodeException.Reason.UNSUPPORTED,
                            "no decoder for source '" + source + "' (topic " + record.topic + ")"),
                    now);
        }
        record.source = source;
        Decoder decoder = decoder(source);
        int max = perSource.getOrDefault(source, options).maxRecordBytes();
        if (record.value != null && record.value.length > max) {
            // Refused here, whatever the decoder does, so no decoder ever reads more than this.
            return dead(
                    record,
                    decoder.getClass().getSimpleName(),
                    new DecodeException(
                            DecodeException.Reason.TOO_LARGE,
                            "record of " + record.value.length + " bytes exceeds " + max),
                    now);
        }
        SecurityEvent event;
        try {
            event = decoder.decode(record);
        } catch (DecodeException e) {
            return dead(record, decoder.getClass().getSimpleName(), e, now);
        } catch (RuntimeException | StackOverflowError e) {
            // A decoder bug must cost one record, never the job.
            return dead(
                    record,
                    decoder.getClass().getSimpleName(),
                    new DecodeException(
                            DecodeException.Reason.INTERNAL_ERROR,
                            "decoder failed: "
                                    + e.getClass().getSimpleName()
                                    + ": "
                                    + e.getMessage(),
                            e),
                    now);
        }
        if (event == null) {
            return new Outcome(null, null);
        }
        if (event.timestamp <= 0) {
            return dead(
                    record,
                    decoder.getClass().getSimpleName(),
                    new DecodeException(
                            DecodeException.Reason.BAD_TIMESTAMP, "event has no timestamp"),
                    now);
        }
        try {
            DepartmentTrustPolicy.Decision d = trust.decide(record, event, departments, assets);
            if (d.refused()) {
                DeadLetter dead =
                        DeadLetter.of(
                                record,
                                "DepartmentTrustPolicy",
                                new DecodeException(d.refusal(), d.message()),
                                now);
                dead.claimedDepartment = d.claimed();
                dead.department = d.authoritative();
                return new Outcome(null, dead);
            }
            departments.assign(event, d.department());
            if (assets != null) {
                assets.enrich(event);
            }
            markUnattributed(event);
        } catch (RuntimeException e) {
            return dead(
                    record,
                    decoder.getClass().getSimpleName(),
                    new DecodeException(
                            DecodeException.Reason.INTERNAL_ERROR,
                            "enrichment failed: "
                                    + e.getClass().getSimpleName()
                                    + ": "
                                    + e.getMessage(),
                            e),
                    now);
        }
        return new Outcome(event, null);
    }

    /** The field that names a device address known to neither the inventory nor the ranges. */
    public static final String UNATTRIBUTED = "asset.unattributed";

    /**
     * Marks an event whose device (observer, else host) has an address that neither the asset
     * inventory nor any department's ranges know: such a device is someone's blind spot, and it
     * must show (the field, and {@code soc_decode_unattributed_total}) rather than pass unnoticed.
     */
    private void markUnattributed(SecurityEvent e) {
        String ip = e.observer != null && e.observer.ip != null ? e.observer.ip : null;
        if (ip == null && e.host != null) {
            ip = e.host.ip;
        }
        if (ip == null || ip.isEmpty()) {
            return;
        }
        if (assets != null && assets.lookupAddress(ip) != null) {
            return;
        }
        if (departments.byRange(ip) != null) {
            return;
        }
        e.field(UNATTRIBUTED, ip);
    }

    private static Outcome dead(RawRecord record, String decoder, DecodeException e, long now) {
        return new Outcome(null, DeadLetter.of(record, decoder, e, now));
    }

    private Decoder decoder(String source) {
        if (decoders == null) {
            decoders = new HashMap<>();
        }
        return decoders.computeIfAbsent(
                source, s -> Decoders.forSource(s, perSource.getOrDefault(s, options)));
    }
}
