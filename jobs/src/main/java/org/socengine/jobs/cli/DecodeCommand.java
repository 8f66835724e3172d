package org.socengine.jobs.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.socengine.connectors.decode.DecoderOptions;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.RawRecord;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.enrich.AssetInventory;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.EventJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "decode",
        mixinStandardHelpOptions = true,
        description = {
            "Decodes raw records of one source with the same decoders the job uses: ECS events as",
            "NDJSON on stdout, dead letters as JSON lines on stderr, and a last stderr line",
            "'decoded N, dead-lettered M'. Use it to onboard a department's log shipper."
        })
public final class DecodeCommand implements Callable<Integer> {

    @Option(
            names = "--source",
            required = true,
            description = "Source format: ${COMPLETION-CANDIDATES}.",
            completionCandidates = SourceNames.class)
    String source;

    @Option(
            names = "--department",
            description = "Department id, as the shipper's record key or header would give it.")
    String department;

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
            description = "Department directory file (id<TAB>name<TAB>cidrs).")
    Path departmentsFile;

    @Option(
            names = "--assets",
            paramLabel = "FILE",
            description = {
                "Asset inventory (CSV: match,department,asset,owner,criticality). Adds asset.*",
                "fields, and the department when header, key and ranges named none."
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

    @Parameters(
            arity = "0..1",
            paramLabel = "FILE|-",
            description = "Input, one record a line. Default: standard input.")
    String input;

    @Override
    public Integer call() throws IOException {
        if (!Decoders.exists(source)) {
            throw new CliFailure(
                    "unknown source '"
                            + source
                            + "' (known: "
                            + String.join(", ", Decoders.sources())
                            + ")");
        }
        RecordDecoder decoder =
                recordDecoder(
                        source,
                        timeZone,
                        year,
                        maxRecordBytes,
                        maxOriginalBytes,
                        departmentsFile,
                        assetsFile);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        long decoded = 0;
        long dead = 0;
        long skipped = 0;
        String name = input == null || input.equals("-") ? "stdin" : input;
        try (InputStream in =
                        input == null || input.equals("-") ? System.in : open(Path.of(input));
                BufferedReader r =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isEmpty()) {
                    continue;
                }
                RawRecord rec = RawRecord.of(source, line);
                rec.topic = "file:" + name;
                rec.partition = 0;
                rec.offset = n;
                rec.key = department;
                RecordDecoder.Outcome o = decoder.decode(rec, System.currentTimeMillis());
                if (o.event() != null) {
                    out.println(EventJson.toJson(o.event()));
                    decoded++;
                } else if (o.deadLetter() != null) {
                    err.println(o.deadLetter().toJson());
                    dead++;
                } else {
                    skipped++;
                }
            }
        }
        out.flush();
        err.println(
                "decoded "
                        + decoded
                        + ", dead-lettered "
                        + dead
                        + (skipped > 0 ? ", skipped " + skipped : ""));
        return 0;
    }

    /**
     * The decode stage as the job would run it for one source: its options, the department
     * directory and the asset inventory, every input checked before any record is read.
     */
    static RecordDecoder recordDecoder(
            String source,
            String timeZone,
            int year,
            int maxRecordBytes,
            int maxOriginalBytes,
            Path departmentsFile,
            Path assetsFile)
            throws IOException {
        try {
            java.time.ZoneId.of(timeZone);
        } catch (java.time.DateTimeException e) {
            throw new CliFailure("unknown time zone '" + timeZone + "'");
        }
        if (maxRecordBytes <= 0 || maxOriginalBytes <= 0) {
            throw new CliFailure("--max-record-bytes and --max-original-bytes must be positive");
        }
        DepartmentDirectory dirs;
        if (departmentsFile == null) {
            dirs = DepartmentDirectory.defaults();
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
        DecoderOptions options =
                new DecoderOptions(timeZone, maxRecordBytes, maxOriginalBytes, year);
        return new RecordDecoder(DecoderOptions.defaults(), Map.of(source, options), dirs, assets);
    }

    private static InputStream open(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new CliFailure("no such file: " + p);
        }
        return Files.newInputStream(p);
    }

    static final class SourceNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Decoders.sources().iterator();
        }
    }
}
