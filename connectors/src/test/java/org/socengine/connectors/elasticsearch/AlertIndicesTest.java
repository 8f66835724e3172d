package org.socengine.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;
import org.socengine.model.Json;

class AlertIndicesTest {

    private static long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void indexIsPerDepartmentAndUtcMonth() {
        Alert a = new Alert();
        a.departmentId = "so-yt";
        a.timestamp = at("2026-11-30T23:59:59Z");
        assertThat(AlertIndices.indexFor(a)).isEqualTo("soc-alerts-so-yt-2026.11");
        a.timestamp = at("2026-12-01T00:00:00Z");
        assertThat(AlertIndices.indexFor(a)).isEqualTo("soc-alerts-so-yt-2026.12");
    }

    @Test
    void departmentNamesAreSanitizedTheSameWayForIndexAndAlias() {
        assertThat(AlertIndices.indexFor("UBND.Huyen A", at("2026-01-05T00:00:00Z")))
                .isEqualTo("soc-alerts-ubnd_huyen_a-2026.01");
        assertThat(AlertIndices.departmentAlias("UBND.Huyen A"))
                .isEqualTo("soc-alerts-ubnd_huyen_a");
        assertThat(AlertIndices.indexFor(null, 0)).startsWith("soc-alerts-unattributed-");
        assertThat(AlertIndices.departmentAlias("")).isEqualTo("soc-alerts-unattributed");
        assertThat(AlertIndices.indexFor("-x", 0)).isEqualTo("soc-alerts-d-x-1970.01");
    }

    @Test
    void parseReadsDepartmentAndMonthBackAndRejectsOtherNames() {
        AlertIndices.IndexName n = AlertIndices.parse("soc-alerts-so-yt-2026.11").orElseThrow();
        assertThat(n.department()).isEqualTo("so-yt");
        assertThat(n.month()).isEqualTo(YearMonth.of(2026, 11));
        assertThat(n.departmentAlias()).isEqualTo("soc-alerts-so-yt");
        assertThat(AlertIndices.parse("soc-alerts")).isEmpty();
        assertThat(AlertIndices.parse("soc-alerts-so-yt")).isEmpty();
        assertThat(AlertIndices.parse("soc-alerts-so-yt-2026.13")).isEmpty();
        assertThat(AlertIndices.parse("soc-incidents-so-yt-2026.11")).isEmpty();
    }

    @Test
    void aDepartmentAliasNeverLooksLikeAnIndex() {
        // Dots are sanitized away, so no department can end in "-yyyy.MM".
        String alias = AlertIndices.departmentAlias("x-2026.11");
        assertThat(AlertIndices.parse(alias)).isEmpty();
    }

    @Test
    void templateMapsTheLifecycleFieldsAndIlmOnlyWhenAsked() throws Exception {
        JsonNode plain = Json.mapper().readTree(AlertIndices.templateJson(false));
        JsonNode alert = plain.path("template").path("mappings").path("properties").path("alert");
        for (String f :
                List.of(
                        "status",
                        "disposition",
                        "last_seen",
                        "meta",
                        "status_changed_at",
                        "status_by")) {
            assertThat(alert.path("properties").has(f)).as(f).isTrue();
        }
        assertThat(plain.path("template").path("settings").has("index.lifecycle.name")).isFalse();
        JsonNode ilm = Json.mapper().readTree(AlertIndices.templateJson(true));
        assertThat(ilm.path("template").path("settings").path("index.lifecycle.name").asText())
                .isEqualTo(AlertIndices.ILM_POLICY);
    }

    @Test
    void monthStartIsTheFirstInstantOfTheUtcMonth() {
        assertThat(AlertIndices.monthStart(at("2026-11-25T13:00:00Z")))
                .isEqualTo(at("2026-11-01T00:00:00Z"));
    }

    @Test
    void retentionKeepsTheCurrentMonthAndTheNBefore() {
        List<String> all =
                List.of(
                        "soc-alerts-so-yt-2026.11",
                        "soc-alerts-so-yt-2026.08",
                        "soc-alerts-so-yt-2026.07",
                        "soc-alerts-ubnd-2025.12",
                        "soc-alerts-so-yt-2026.12",
                        "soc-alerts-so-yt",
                        "other-index-2020.01");
        assertThat(AlertRetention.select(all, YearMonth.of(2026, 11), 3))
                .containsExactly("soc-alerts-ubnd-2025.12", "soc-alerts-so-yt-2026.07");
        assertThat(AlertRetention.select(all, YearMonth.of(2026, 11), 12)).isEmpty();
        assertThat(AlertRetention.select(all, YearMonth.of(2027, 2), 1))
                .containsExactly(
                        "soc-alerts-ubnd-2025.12",
                        "soc-alerts-so-yt-2026.07",
                        "soc-alerts-so-yt-2026.08",
                        "soc-alerts-so-yt-2026.11",
                        "soc-alerts-so-yt-2026.12");
        assertThatThrownBy(() -> AlertRetention.select(all, YearMonth.of(2026, 11), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void provinceAlertsHaveTheirOwnIndexOutsideEveryDepartmentsAlias() {
        org.socengine.model.Alert a = new org.socengine.model.Alert();
        a.province = true;
        a.departments.add("so-yt");
        a.departments.add("so-tc");
        a.timestamp = at("2026-11-30T23:59:59Z");
        assertThat(AlertIndices.indexFor(a)).isEqualTo("soc-alerts-province-2026.11");
        assertThat(
                        AlertIndices.parse("soc-alerts-province-2026.11")
                                .orElseThrow()
                                .departmentAlias())
                .isEqualTo("soc-alerts-province");
    }
}
