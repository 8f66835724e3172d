package org.socengine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.socengine.cli.console.OidcSettings;
import org.socengine.connectors.config.SocConfig;

/** The console.oidc.* keys as ./soc console reads them, the client secret from its file. */
class ConsoleCommandOidcTest {

    @Test
    void theProviderAndTheClaimMappingComeFromTheConfiguration(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("client-secret");
        Files.writeString(secret, "from the file\n");
        Path config = dir.resolve("soc.yml");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "console.oidc.issuer: https://id.example.gov.vn/realms/soc",
                        "console.oidc.client_id: soc-console",
                        "console.oidc.client_secret_file: " + secret,
                        "console.oidc.roles_claim: realm_access.roles",
                        "console.oidc.analyst_values: soc-analyst, soc-lead",
                        "console.oidc.department_claim: don_vi",
                        "console.oidc.clock_skew: 30s",
                        "console.password_login: false",
                        ""));
        OidcSettings o = ConsoleCommand.oidc(SocConfig.load(config, Map.of()));
        assertThat(o.issuer().toString()).isEqualTo("https://id.example.gov.vn/realms/soc");
        assertThat(o.clientId()).isEqualTo("soc-console");
        assertThat(o.clientSecret()).isEqualTo("from the file");
        assertThat(o.toString()).doesNotContain("from the file");
        assertThat(o.rolesClaim()).isEqualTo("realm_access.roles");
        assertThat(o.analystValues()).containsExactly("soc-analyst", "soc-lead");
        assertThat(o.liaisonValues()).containsExactly("soc-liaison");
        assertThat(o.departmentClaim()).isEqualTo("don_vi");
        assertThat(o.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.redirectUri()).isNull();
        assertThat(o.scopes()).isEqualTo("openid profile email");
    }

    @Test
    void noIssuerNoOidcAndAnIssuerNeedsAClient(@TempDir Path dir) throws Exception {
        assertThat(ConsoleCommand.oidc(SocConfig.empty())).isNull();
        Path config = dir.resolve("soc.yml");
        Files.writeString(config, "console.oidc.issuer: https://id.example.gov.vn/realms/soc\n");
        assertThatThrownBy(() -> ConsoleCommand.oidc(SocConfig.load(config, Map.of())))
                .hasMessageContaining("console.oidc.client_id");
    }
}
