package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.socengine.rules.sigma.SigmaCompiler;

/**
 * {@code sigma_basename(x) = 'name'}, what the Sigma compiler makes of {@code endswith '\name'},
 * decides exactly as the wildcard match {@code *\name} it replaces, on random Windows-ish paths.
 */
class SigmaBasenameTest {

    private static final String ALPHABET = "aAbB\\.:/ İıß éÉ0x-*?";

    @Test
    void theFoldedLastSegmentDecidesAsTheEndswithMatch() {
        Random r = new Random(20261203);
        List<String> names = List.of("whoami.exe", "CMD.EXE", "İnstall.exe", "a", "ß.exe", "x-y");
        for (int i = 0; i < 200_000; i++) {
            StringBuilder v = new StringBuilder();
            int n = r.nextInt(12);
            for (int k = 0; k < n; k++) {
                v.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
            }
            String name = names.get(r.nextInt(names.size()));
            if (r.nextBoolean()) {
                v.append('\\').append(r.nextBoolean() ? name : name.toUpperCase());
            }
            String value = v.toString();
            // The compiled pattern of '*\name': a literal backslash is escaped.
            boolean byMatch = RuleFunctions.sigmaMatch(value, "*\\\\" + name);
            boolean byBasename =
                    RuleFunctions.foldCase(name).equals(RuleFunctions.sigmaBasename(value));
            assertThat(byBasename).as(value + " endswith \\" + name).isEqualTo(byMatch);
        }
        assertThat(RuleFunctions.sigmaBasename(null)).isNull();
        assertThat(RuleFunctions.sigmaBasename("whoami.exe")).as("no backslash").isNull();
    }

    @Test
    void endswithABackslashNameCompilesToTheIndexableEquality() throws Exception {
        String sigma =
                String.join(
                        "\n",
                        "title: Whoami or hostname run",
                        "id: 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                        "status: test",
                        "level: low",
                        "logsource: {category: process_creation, product: windows}",
                        "detection:",
                        "  selection:",
                        "    Image|endswith: ['\\whoami.exe', '\\HOSTNAME.exe', 'net1.exe']",
                        "  condition: selection",
                        "");
        String epl = new SigmaCompiler().compile("mem/s.yml", sigma).epl();
        assertThat(epl)
                .contains("sigma_basename(process.executable) in ('whoami.exe', 'hostname.exe')")
                .contains("sigma_match(process.executable, '*net1.exe')");
    }
}
