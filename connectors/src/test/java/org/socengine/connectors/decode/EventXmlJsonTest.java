package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.windows.EventXmlJsonDocuments;
import org.socengine.model.SecurityEvent;

/**
 * Windows events as JSON from the event XML, as SigmaHQ's regression data holds them (the vendored
 * copy in {@code testdata/sigmahq}): every document decodes, with the same fields as the other
 * Windows forms.
 */
class EventXmlJsonTest {

    static Path regressionData() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path p = dir.resolve("testdata/sigmahq/regression_data");
            if (Files.isDirectory(p)) {
                return p;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("testdata/sigmahq/regression_data not found");
    }

    static List<Path> jsonFiles() throws IOException {
        try (Stream<Path> s = Files.walk(regressionData())) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    static List<String> records(Path file) throws IOException {
        return EventXmlJsonDocuments.records(Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void everyRegressionDocumentDecodes() throws IOException {
        List<Path> files = jsonFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(149);
        int documents = 0;
        for (Path f : files) {
            List<String> records = records(f);
            assertThat(records).as("documents in %s", f).isNotEmpty();
            for (String r : records) {
                SecurityEvent e = Samples.decode("winlog", r);
                assertThat(e.event.code).as("%s", f).isNotNull();
                assertThat(e.fields("EventID")).isEqualTo(e.event.code);
                assertThat(e.host.name).as("%s", f).isNotBlank();
                documents++;
            }
        }
        assertThat(documents).isGreaterThan(files.size());
    }

    @Test
    void sysmonProcessCreationHasTheEcsProcessFields() throws IOException {
        Path f =
                regressionData()
                        .resolve(
                                "rules/windows/process_creation/proc_creation_win_hh_chm_execution");
        Path json;
        try (Stream<Path> s = Files.list(f)) {
            json = s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        SecurityEvent e = Samples.decode("winlog", records(json).get(0));
        assertThat(e.event.dataset).isEqualTo("winlog.sysmon");
        assertThat(e.event.action).isEqualTo("process_created");
        assertThat(e.process.executable).endsWithIgnoringCase("hh.exe");
        assertThat(e.process.executable).isEqualTo(e.fields("Image"));
        assertThat(e.process.command_line).isEqualTo(e.fields("CommandLine").strip());
        assertThat(e.process.parent.executable).isEqualTo(e.fields("ParentImage"));
        assertThat(e.user.name).isNotBlank();
    }

    @Test
    void userDataElementIsLookedInto() throws IOException {
        Path json =
                regressionData()
                        .resolve(
                                "rules/windows/builtin/wmi/win_wmi_activity_nteventlogfile_cleareventlog/d4f1a2b3-7c8e-4d5f-b6a9-1e0c2d3f4e5b.json");
        SecurityEvent e = Samples.decode("winlog", records(json).get(0));
        assertThat(e.event.code).isEqualTo("5858");
        assertThat(e.fields("Operation")).contains("cleareventlog");
        assertThat(e.fields("ResultCode")).isEqualTo("0x80041003");
    }

    @Test
    void dataElementsWithNameAttributesAndAnArrayOfDocuments() throws IOException {
        String xmlShaped =
                "[{\"Event\":{\"System\":{\"Provider\":{\"@Name\":\"Microsoft-Windows-Security-Auditing\"},"
                        + "\"EventID\":{\"#text\":\"4625\"},\"Channel\":\"Security\",\"Computer\":\"DC1\","
                        + "\"TimeCreated\":{\"#attributes\":{\"SystemTime\":\"2026-11-25T10:00:00Z\"}}},"
                        + "\"EventData\":{\"Data\":[{\"@Name\":\"TargetUserName\",\"#text\":\"admin\"},"
                        + "{\"#attributes\":{\"Name\":\"IpAddress\"},\"#text\":\"10.1.2.3\"},"
                        + "{\"@Name\":\"LogonType\",\"#text\":\"3\"}]}}}]";
        List<String> records = EventXmlJsonDocuments.records(xmlShaped);
        assertThat(records).hasSize(1);
        SecurityEvent e = Samples.decode("winlog", records.get(0));
        assertThat(e.event.action).isEqualTo("logon_failed");
        assertThat(e.user.name).isEqualTo("admin");
        assertThat(e.source.ip).isEqualTo("10.1.2.3");
        assertThat(e.fields("LogonType")).isEqualTo("3");
    }

    @Test
    void notJsonDocumentsAreRefusedWithThePosition() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> EventXmlJsonDocuments.records("{\"Event\": {} } {oops"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("line");
    }
}
