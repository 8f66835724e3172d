package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.enrich.DepartmentDirectory;
import org.socengine.model.SecurityEvent;

/**
 * What a source declares its events can be ({@link Decoders#produces}) holds for every record this
 * module's tests and samples have, decoded as each declaring source: {@code ./soc detect} leaves
 * out the rules that read only streams outside it, so a category missing there would silence a
 * rule. A check over what the repository has, not a proof: a decoder that learns a new category
 * must add it to the declaration.
 */
class DecodersProducesTest {

    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");

    /** Every string literal of this module's tests, and every line of its sample files. */
    private static List<String> records() throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "test"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                if (name.endsWith(".zip") || name.endsWith(".gz")) {
                    continue;
                }
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                if (name.endsWith(".java")) {
                    Matcher m = LITERAL.matcher(text);
                    while (m.find()) {
                        out.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                    }
                } else {
                    out.addAll(text.lines().toList());
                }
            }
        }
        AdversarialRecords.all().forEach(h -> out.add(h.head()));
        return out;
    }

    @Test
    void everyDecodedEventIsWhatItsSourceDeclares() throws Exception {
        List<String> records = records();
        assertThat(records).hasSizeGreaterThan(1000);
        RecordDecoder decoder =
                new RecordDecoder(DecoderOptions.defaults(), DepartmentDirectory.defaults());
        int decoded = 0;
        for (String source : Decoders.sources()) {
            Decoders.Produces p = Decoders.produces(source);
            if (p == null) {
                continue;
            }
            for (String line : records) {
                RecordDecoder.Outcome o = decoder.decode(Samples.record(source, line), Samples.NOW);
                SecurityEvent e = o.event();
                if (e == null) {
                    continue;
                }
                decoded++;
                String category = e.event == null ? null : e.event.category;
                if (category != null) {
                    assertThat(p.categories()).as(source + ": " + line).contains(category);
                }
                if (!p.dns()) {
                    assertThat(e.dns).as(source + ": " + line).isNull();
                }
            }
        }
        assertThat(decoded).isGreaterThan(500);
    }
}
