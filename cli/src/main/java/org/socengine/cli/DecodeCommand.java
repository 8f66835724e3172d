package org.socengine.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.model.EventJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "decode",
        mixinStandardHelpOptions = true,
        description = {
            "Decode raw records of one source as the job does (ECS events as NDJSON).",
            "",
            "Decodes raw records of one source with the same decoders the job uses: ECS events as",
            "NDJSON on stdout, dead letters as JSON lines on stderr, and a last stderr line",
            "'decoded N, dead-lettered M'. Use it to onboard a department's log shipper."
        })
public final class DecodeCommand implements Callable<Integer> {

    @Option(
            names = "--source",
            required = true,
            description = "Source format: ${COMPLETION-CANDIDATES}.",
            completionCandidates = DecodingOptions.SourceNames.class)
    String source;

    @Mixin DecodingOptions decoding;

    @Parameters(
            arity = "0..1",
            paramLabel = "FILE|-",
            description = "Input, one record a line. Default: standard input.")
    String input;

    @Override
    public Integer call() throws IOException {
        RecordDecoder decoder = decoding.recordDecoder(java.util.List.of(source));
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
                RawRecord rec = decoding.record(source, name, n, line);
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

    private static InputStream open(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new CliFailure("no such file: " + p);
        }
        return Files.newInputStream(p);
    }
}
