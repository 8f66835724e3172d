package org.socengine.connectors.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md and the key registry say the same: every key of {@link ConfigKeys} has a
 * row in the document's tables, and every row names a key that exists. The sample config/soc.yml
 * passes the check.
 */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|", Pattern.MULTILINE);

    @Test
    void everyKeyIsDocumentedAndEveryDocumentedKeyExists() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        List<String> rows = new ArrayList<>();
        Matcher m = ROW.matcher(doc);
        while (m.find()) {
            rows.add(m.group(1));
        }
        List<String> keys = ConfigKeys.all().stream().map(ConfigKey::name).toList();
        assertThat(keys)
                .as("keys of ConfigKeys without a row in docs/configuration.md")
                .allSatisfy(k -> assertThat(rows).contains(k));
        assertThat(rows)
                .as("rows of docs/configuration.md that name no key of ConfigKeys")
                .allSatisfy(r -> assertThat(keys).contains(r))
                .doesNotHaveDuplicates();
        for (ConfigKey k : ConfigKeys.all()) {
            if (k.variable() != null) {
                assertThat(doc).as("variable of " + k.name()).contains("`" + k.variable() + "`");
            }
        }
    }

    @Test
    void theSampleConfigurationPassesTheCheck() throws Exception {
        Path sample = Path.of("..", "config", "soc.yml");
        assertThat(ConfigCheck.check(sample, java.util.Map.of())).isEmpty();
        assertThat(ConfigFile.read(sample).entries()).isNotEmpty();
    }
}
