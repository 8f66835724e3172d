package org.socengine.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.decode.DecoderOptions;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.RawRecord;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.enrich.AssetInventory;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.connectors.enrich.DepartmentTrustPolicy;
import picocli.CommandLine.Option;

/**
 * The options of the commands that read raw records of one source: {@code decode}, {@code detect}.
 */
final class DecodingOptions {

    @Option(
            names = "--source",
            required = true,
            description = "Source format: ${COMPLETION-CANDIDATES}.",
            completionCandidates = SourceNames.class)
    String source;

    @Option(
            names = "--department",
            description = "Department id as the shipper's record key would give it.")
    String department;

    @Option(
            names = "--department-header",
            paramLabel = "ID",
            description = "The record's 'department' header, as the shipper would set it.")
    String departmentHeader;

    @Option(
            names = "--topic",
            description = {
                "Judge the records' department as if read from this raw topic:",
                "soc.raw.<source> (shared, the default) or soc.raw.<source>.<department>."
            })
    String topic;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = {
                "Properties file of the job: its department trust policy (topic.<topic>.trust_header,",
                "department.unattributed, ...) and departments.file apply (docs/sources.md)."
            })
    Path config;

    @Option(
            names = "--time-zone",
            defaultValue = "UTC",
            description = "Zone of timestamps without one. Default: ${DEFAULT-VALUE}.")
    String timeZone;

    @Option(
            names = "--year",
            defaultValue = "0",
            description = "Year of year-less timestamps (0: infer, never in the future).")
    int year;

    @Option(
            names = "--departments",
            paramLabel = "FILE",
            description = "Department directory file (id<TAB>name<TAB>cidrs).")
    Path departmentsFile;

    @Option(
            names = "--assets",
            paramLabel = "FILE",
            description = {
                "Asset inventory (CSV: match,department,asset,owner,criticality). Adds asset.*",
                "fields; a device's entry names its department (docs/sources.md, trust policy)."
            })
    Path assetsFile;

    @Option(
            names = "--max-record-bytes",
            defaultValue = "" + DecoderOptions.DEFAULT_MAX_RECORD_BYTES,
            description = "Records larger than this are dead-lettered. Default: ${DEFAULT-VALUE}.")
    int maxRecordBytes;

    @Option(
            names = "--max-original-bytes",
            defaultValue = "" + DecoderOptions.DEFAULT_MAX_ORIGINAL_BYTES,
            description = "event.original is cut to this size. Default: ${DEFAULT-VALUE}.")
    int maxOriginalBytes;

    /**
     * A raw record of line {@code n} of the named input, as the job would receive it. Its topic is
     * {@code --topic} when given (the trust policy judges it by that topic), else the file.
     */
    RawRecord record(String inputName, long n, String line) {
        RawRecord r = RawRecord.of(source, line);
        r.topic = topic != null ? topic : "file:" + inputName;
        r.partition = 0;
        r.offset = n;
        r.key = department;
        r.departmentHeader = departmentHeader;
        return r;
    }

    /**
     * The decode stage as the job would run it for one source: its options, the department
     * directory and the asset inventory, every input checked before any record is read.
     */
    RecordDecoder recordDecoder() throws IOException {
        if (!Decoders.exists(source)) {
            throw new CliFailure(
                    "unknown source '"
                            + source
                            + "' (known: "
                            + String.join(", ", Decoders.sources())
                            + ")");
        }
        try {
            java.time.ZoneId.of(timeZone);
        } catch (java.time.DateTimeException e) {
            throw new CliFailure("unknown time zone '" + timeZone + "'");
        }
        if (maxRecordBytes <= 0 || maxOriginalBytes <= 0) {
            throw new CliFailure("--max-record-bytes and --max-original-bytes must be positive");
        }
        if (topic != null) {
            String topicSource = Decoders.sourceOfTopic(topic);
            if (!source.equals(topicSource)) {
                throw new CliFailure(
                        "--topic "
                                + topic
                                + " is not a raw topic of source "
                                + source
                                + " (soc.raw."
                                + source
                                + " or soc.raw."
                                + source
                                + ".<department>)");
            }
        }
        SocConfig cfg;
        try {
            cfg = SocConfig.load(config);
        } catch (IOException e) {
            throw new CliFailure(e.getMessage());
        }
        DepartmentDirectory dirs;
        if (departmentsFile == null) {
            try {
                dirs = cfg.departments();
            } catch (IOException e) {
                throw new CliFailure(e.getMessage());
            }
        } else {
            if (!Files.isRegularFile(departmentsFile)) {
                throw new CliFailure("no such file: " + departmentsFile);
            }
            try {
                dirs = DepartmentDirectory.load(departmentsFile);
            } catch (IOException e) {
                throw new CliFailure(departmentsFile + ": " + e.getMessage());
            }
        }
        AssetInventory assets = null;
        if (assetsFile != null) {
            if (!Files.isRegularFile(assetsFile)) {
                throw new CliFailure("no such file: " + assetsFile);
            }
            try {
                assets = AssetInventory.load(assetsFile, dirs);
            } catch (AssetInventory.InvalidInventoryException e) {
                throw new CliFailure("invalid asset inventory: " + String.join("; ", e.problems()));
            }
        }
        DepartmentTrustPolicy trust;
        try {
            trust = cfg.departmentTrust(dirs);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        DecoderOptions options =
                new DecoderOptions(timeZone, maxRecordBytes, maxOriginalBytes, year);
        return new RecordDecoder(
                DecoderOptions.defaults(), Map.of(source, options), dirs, trust, assets);
    }

    static final class SourceNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Decoders.sources().iterator();
        }
    }
}
