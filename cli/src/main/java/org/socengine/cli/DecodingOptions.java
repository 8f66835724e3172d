package org.socengine.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.socengine.connectors.config.SocConfig;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import picocli.CommandLine.Option;

/**
 * The options of the commands that decode raw records as the job does: {@code decode}, {@code
 * detect}. The commands name the sources themselves: one for {@code decode}, one per group of files
 * for {@code detect}.
 */
final class DecodingOptions {

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
            description =
                    "Judge the records' department as if read from this raw topic: "
                            + "soc.raw.<source> (shared, the default) or soc.raw.<source>.<department>.")
    String topic;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Properties file of the job: its department trust policy (topic.<topic>.trust_header, "
                            + "department.unattributed, ...) and departments.file apply (docs/sources.md).")
    Path config;

    @Option(
            names = "--time-zone",
            description =
                    "Zone of timestamps without one. Default: the configuration's"
                            + " decode.time_zone, else UTC.")
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
            description =
                    "Asset inventory (CSV: match,department,asset,owner,criticality). Adds asset.* "
                            + "fields; a device's entry names its department (docs/sources.md, trust policy).")
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
    RawRecord record(String source, String inputName, long n, String line) {
        return template(inputName).of(source, n, line.getBytes(StandardCharsets.UTF_8));
    }

    /** What every record read from the named input carries besides its source, line and bytes. */
    RecordTemplate template(String inputName) {
        return new RecordTemplate(
                topic != null ? topic : "file:" + inputName, department, departmentHeader);
    }

    /** The topic, key and department header of an input's records, for readers in a Flink task. */
    record RecordTemplate(String topic, String key, String departmentHeader)
            implements java.io.Serializable {
        RawRecord of(String source, long n, byte[] value) {
            RawRecord r = new RawRecord();
            r.source = source;
            r.value = value;
            r.topic = topic;
            r.partition = 0;
            r.offset = n;
            r.key = key;
            r.departmentHeader = departmentHeader;
            return r;
        }
    }

    /**
     * The decode stage as the job would run it for one source: its options, the department
     * directory and the asset inventory, every input checked before any record is read.
     */
    RecordDecoder recordDecoder(Collection<String> sources) throws IOException {
        for (String source : sources) {
            if (!Decoders.exists(source)) {
                throw new CliFailure(
                        "unknown source '"
                                + source
                                + "' (known: "
                                + String.join(", ", Decoders.sources())
                                + ")");
            }
        }
        if (maxRecordBytes <= 0 || maxOriginalBytes <= 0) {
            throw new CliFailure("--max-record-bytes and --max-original-bytes must be positive");
        }
        if (topic != null) {
            String topicSource = Decoders.sourceOfTopic(topic);
            if (sources.size() != 1 || !sources.contains(topicSource)) {
                String source = String.join(",", new java.util.TreeSet<>(sources));
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
        for (Path file : new Path[] {departmentsFile, assetsFile}) {
            if (file != null && !Files.isRegularFile(file)) {
                throw new CliFailure("no such file: " + file);
            }
        }
        try {
            SocConfig cfg = SocConfig.load(config);
            for (String source : sources) {
                cfg = cfg.with("decode.time_zone." + source, timeZone);
            }
            return cfg.with(
                            "departments.file",
                            departmentsFile == null ? null : departmentsFile.toString())
                    .with("assets.file", assetsFile == null ? null : assetsFile.toString())
                    .with("decode.year", year == 0 ? null : Integer.toString(year))
                    .with("decode.max_record_bytes", Integer.toString(maxRecordBytes))
                    .with("decode.max_original_bytes", Integer.toString(maxOriginalBytes))
                    .recordDecoder();
        } catch (IOException | IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
    }

    static final class SourceNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Decoders.sources().iterator();
        }
    }
}
