package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.model.SecurityEvent;

class WindowsEventDecoderTest {

    /** The OTRF dataset, unzipped from the test resources (the zip is 18 KB, the JSON 287 KB). */
    static List<String> otrf() throws IOException {
        try (ZipInputStream zip =
                new ZipInputStream(
                        new ByteArrayInputStream(
                                Samples.bytes("otrf/psh_lsass_memory_dump_comsvcs.zip")))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                if (entry.getName().endsWith(".json")) {
                    List<String> out = new ArrayList<>();
                    for (String l :
                            new String(zip.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!l.isBlank()) {
                            out.add(l);
                        }
                    }
                    return out;
                }
            }
        }
        throw new IllegalStateException("no json in the OTRF zip");
    }

    @Test
    void everyOtrfEventDecodes() throws IOException {
        List<String> lines = otrf();
        assertThat(lines).hasSize(184);
        RecordDecoder d = Samples.recordDecoder();
        List<SecurityEvent> events = new ArrayList<>();
        for (String l : lines) {
            SecurityEvent e = Samples.decode(d, "winlog", l);
            assertThat(e.host.name).isEqualTo("WORKSTATION5");
            assertThat(e.event.code).isNotNull();
            assertThat(e.event.dataset).isIn("winlog.security", "winlog.sysmon");
            events.add(e);
        }
        List<SecurityEvent> created =
                events.stream().filter(e -> "process_created".equals(e.event.action)).toList();
        assertThat(created).hasSize(2);
        for (SecurityEvent e : created) {
            assertThat(e.process.command_line)
                    .contains("comsvcs.dll MiniDump 756")
                    .endsWith("full");
            assertThat(e.process.executable).isEqualTo("C:\\Windows\\System32\\rundll32.exe");
            assertThat(e.process.name).isEqualTo("rundll32.exe");
            assertThat(e.process.parent.executable).endsWith("powershell.exe");
            assertThat(e.user.name).isEqualTo("wardog");
            assertThat(e.event.category).isEqualTo("process");
        }
        SecurityEvent sysmon1 =
                created.stream().filter(e -> e.event.code.equals("1")).findFirst().orElseThrow();
        SecurityEvent sec4688 =
                created.stream().filter(e -> e.event.code.equals("4688")).findFirst().orElseThrow();
        assertThat(sysmon1.process.pid).isEqualTo(4824L);
        assertThat(sec4688.process.pid).isEqualTo(0x12d8L);
        assertThat(sec4688.process.parent.pid).isEqualTo(0x17d4L);
        // Sysmon writes UTC; the NXLog TimeCreated is local time, read in the source's zone (UTC
        // here).
        assertThat(sysmon1.getTimestampIso()).isEqualTo("2020-10-18T23:50:05.910Z");
        assertThat(sec4688.getTimestampIso()).isEqualTo("2020-10-18T07:50:05.910Z");
        assertThat(sysmon1.fields("OriginalFileName")).isEqualTo("RUNDLL32.EXE");

        List<SecurityEvent> lsass =
                events.stream()
                        .filter(e -> "10".equals(e.event.code))
                        .filter(e -> e.fields("TargetImage").toLowerCase().endsWith("lsass.exe"))
                        .filter(e -> e.process.executable.toLowerCase().endsWith("rundll32.exe"))
                        .toList();
        assertThat(lsass).hasSize(2);
        assertThat(lsass)
                .extracting(e -> e.fields("GrantedAccess"))
                .containsExactlyInAnyOrder("0x1fffff", "0x1410");
        assertThat(lsass).allSatisfy(e -> assertThat(e.event.action).isEqualTo("process_accessed"));

        List<SecurityEvent> cleared =
                events.stream().filter(e -> "1102".equals(e.event.code)).toList();
        assertThat(cleared).hasSize(1);
        assertThat(cleared.get(0).event.action).isEqualTo("audit_log_cleared");
        assertThat(cleared.get(0).user.name).isEqualTo("wardog");

        SecurityEvent file =
                events.stream().filter(e -> "11".equals(e.event.code)).findFirst().orElseThrow();
        assertThat(file.event.action).isEqualTo("file_created");
        assertThat(file.file.path).startsWith("C:\\");
    }

    private static String winlogbeat(int id, String channel, String eventData) {
        return "{\"@timestamp\":\"2026-11-25T03:04:05.678Z\",\"event\":{\"code\":\""
                + id
                + "\",\"kind\":\"event\"},"
                + "\"host\":{\"name\":\"dc01.so-tc.local\"},"
                + "\"winlog\":{\"channel\":\""
                + channel
                + "\",\"event_id\":"
                + id
                + ",\"computer_name\":\"DC01.so-tc.local\","
                + "\"provider_name\":\""
                + (channel.startsWith("Microsoft-Windows-Sysmon")
                        ? "Microsoft-Windows-Sysmon"
                        : "Microsoft-Windows-Security-Auditing")
                + "\","
                + "\"record_id\":123456,\"event_data\":"
                + eventData
                + "}}";
    }

    @Test
    void winlogbeatLogons() {
        SecurityEvent ok =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4624,
                                "Security",
                                "{\"TargetUserName\":\"nguyenvana\",\"TargetDomainName\":\"SOTC\",\"TargetUserSid\":\"S-1-5-21-1-2-3-1104\",\"LogonType\":\"10\",\"IpAddress\":\"10.11.4.20\",\"IpPort\":\"51234\",\"WorkstationName\":\"PC-KT01\",\"ProcessName\":\"C:\\\\Windows\\\\System32\\\\svchost.exe\",\"ProcessId\":\"0x3e4\",\"LogonProcessName\":\"User32\",\"AuthenticationPackageName\":\"Negotiate\"}"));
        assertThat(ok.event.action).isEqualTo("logon");
        assertThat(ok.event.outcome).isEqualTo("success");
        assertThat(ok.event.dataset).isEqualTo("winlog.security");
        assertThat(ok.user.name).isEqualTo("nguyenvana");
        assertThat(ok.user.domain).isEqualTo("SOTC");
        assertThat(ok.source.ip).isEqualTo("10.11.4.20");
        assertThat(ok.source.port).isEqualTo(51234);
        assertThat(ok.fields("LogonType")).isEqualTo("10");
        assertThat(ok.host.name).isEqualTo("DC01.so-tc.local");
        assertThat(ok.getTimestampIso()).isEqualTo("2026-11-25T03:04:05.678Z");

        SecurityEvent failed =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4625,
                                "Security",
                                "{\"TargetUserName\":\"administrator\",\"TargetDomainName\":\"SOTC\",\"LogonType\":\"3\",\"IpAddress\":\"::ffff:203.0.113.50\",\"IpPort\":\"0\",\"Status\":\"0xc000006d\",\"SubStatus\":\"0xc000006a\",\"FailureReason\":\"%%2313\"}"));
        assertThat(failed.event.action).isEqualTo("logon_failed");
        assertThat(failed.event.outcome).isEqualTo("failure");
        assertThat(failed.source.ip).isEqualTo("203.0.113.50");
        assertThat(failed.fields("SubStatus")).isEqualTo("0xc000006a");

        SecurityEvent logoff =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4634,
                                "Security",
                                "{\"TargetUserName\":\"nguyenvana\",\"TargetDomainName\":\"SOTC\",\"LogonType\":\"10\"}"));
        assertThat(logoff.event.action).isEqualTo("logoff");
        assertThat(logoff.event.category).isEqualTo("session");

        SecurityEvent explicit =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4648,
                                "Security",
                                "{\"SubjectUserName\":\"svc-backup\",\"SubjectDomainName\":\"SOTC\",\"TargetUserName\":\"administrator\",\"TargetDomainName\":\"SOTC\",\"TargetServerName\":\"fs01.so-tc.local\",\"IpAddress\":\"10.11.0.8\",\"IpPort\":\"0\",\"ProcessName\":\"C:\\\\Windows\\\\System32\\\\runas.exe\"}"));
        assertThat(explicit.event.action).isEqualTo("explicit_credentials_logon");
        assertThat(explicit.user.name).isEqualTo("svc-backup");
        assertThat(explicit.user.target.name).isEqualTo("administrator");
        assertThat(explicit.destination.domain).isEqualTo("fs01.so-tc.local");

        SecurityEvent priv =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4672,
                                "Security",
                                "{\"SubjectUserName\":\"administrator\",\"SubjectDomainName\":\"SOTC\",\"PrivilegeList\":\"SeDebugPrivilege\\n\\t\\t\\tSeBackupPrivilege\"}"));
        assertThat(priv.event.action).isEqualTo("special_privileges_assigned");
        assertThat(priv.event.category).isEqualTo("iam");
        assertThat(priv.fields("PrivilegeList")).contains("SeDebugPrivilege");
    }

    @Test
    void kerberosAndNtlmResultCodesOfZeroAreSuccessHoweverWritten() {
        for (String zero : List.of("0x0", "0x00000000", "0", "0X0")) {
            for (int code : List.of(4768, 4769, 4776)) {
                SecurityEvent e =
                        Samples.decode(
                                "winlog",
                                winlogbeat(
                                        code,
                                        "Security",
                                        "{\"TargetUserName\":\"nguyenvana\",\"ServiceName\":\"krbtgt\",\"Status\":\""
                                                + zero
                                                + "\",\"IpAddress\":\"::ffff:10.11.4.20\"}"));
                assertThat(e.event.outcome).as(code + " status " + zero).isEqualTo("success");
            }
        }
        for (String failure : List.of("0x6", "0x00000006", "0xc0000064", "0x18")) {
            SecurityEvent e =
                    Samples.decode(
                            "winlog",
                            winlogbeat(
                                    4768,
                                    "Security",
                                    "{\"TargetUserName\":\"nguyenvana\",\"Status\":\""
                                            + failure
                                            + "\"}"));
            assertThat(e.event.outcome).as("status " + failure).isEqualTo("failure");
        }
    }

    @Test
    void winlogbeatAccountAndKerberosEvents() {
        SecurityEvent created =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4720,
                                "Security",
                                "{\"TargetUserName\":\"backdoor\",\"TargetDomainName\":\"SOTC\",\"TargetSid\":\"S-1-5-21-1-2-3-1200\",\"SubjectUserName\":\"administrator\",\"SubjectDomainName\":\"SOTC\"}"));
        assertThat(created.event.action).isEqualTo("user_created");
        assertThat(created.event.category).isEqualTo("iam");
        assertThat(created.user.name).isEqualTo("administrator");
        assertThat(created.user.target.name).isEqualTo("backdoor");

        SecurityEvent added =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4732,
                                "Security",
                                "{\"MemberName\":\"CN=Backdoor User,OU=Users,DC=so-tc,DC=local\",\"MemberSid\":\"S-1-5-21-1-2-3-1200\",\"TargetUserName\":\"Administrators\",\"TargetDomainName\":\"Builtin\",\"TargetSid\":\"S-1-5-32-544\",\"SubjectUserName\":\"administrator\"}"));
        assertThat(added.event.action).isEqualTo("member_added_to_group");
        assertThat(added.group.name).isEqualTo("Administrators");
        assertThat(added.user.target.name).isEqualTo("Backdoor User");
        assertThat(added.user.target.id).isEqualTo("S-1-5-21-1-2-3-1200");

        SecurityEvent tgt =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4768,
                                "Security",
                                "{\"TargetUserName\":\"nguyenvana\",\"TargetDomainName\":\"SOTC.LOCAL\",\"ServiceName\":\"krbtgt\",\"TicketEncryptionType\":\"0x17\",\"Status\":\"0x0\",\"IpAddress\":\"::ffff:10.11.4.20\",\"IpPort\":\"49811\",\"PreAuthType\":\"2\"}"));
        assertThat(tgt.event.action).isEqualTo("kerberos_tgt_requested");
        assertThat(tgt.event.outcome).isEqualTo("success");
        assertThat(tgt.source.ip).isEqualTo("10.11.4.20");
        assertThat(tgt.fields("TicketEncryptionType")).isEqualTo("0x17");

        SecurityEvent tgs =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4769,
                                "Security",
                                "{\"TargetUserName\":\"nguyenvana@SOTC.LOCAL\",\"ServiceName\":\"MSSQLSvc-sql01\",\"TicketEncryptionType\":\"0x17\",\"Status\":\"0x0\",\"IpAddress\":\"::ffff:10.11.4.20\",\"IpPort\":\"49812\"}"));
        assertThat(tgs.event.action).isEqualTo("kerberos_service_ticket_requested");
        assertThat(tgs.user.name).isEqualTo("nguyenvana");
        assertThat(tgs.user.domain).isEqualTo("SOTC.LOCAL");
        assertThat(tgs.destination.domain).isEqualTo("MSSQLSvc-sql01");

        SecurityEvent preauth =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4771,
                                "Security",
                                "{\"TargetUserName\":\"nguyenvana\",\"ServiceName\":\"krbtgt/SOTC.LOCAL\",\"Status\":\"0x18\",\"IpAddress\":\"::ffff:10.11.4.21\",\"IpPort\":\"50000\",\"PreAuthType\":\"2\"}"));
        assertThat(preauth.event.action).isEqualTo("kerberos_preauth_failed");
        assertThat(preauth.event.outcome).isEqualTo("failure");
        assertThat(preauth.fields("Status")).isEqualTo("0x18");

        SecurityEvent ntlm =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                4776,
                                "Security",
                                "{\"PackageName\":\"MICROSOFT_AUTHENTICATION_PACKAGE_V1_0\",\"TargetUserName\":\"admin\",\"Workstation\":\"KALI\",\"Status\":\"0xc0000064\"}"));
        assertThat(ntlm.event.action).isEqualTo("credential_validation");
        assertThat(ntlm.event.outcome).isEqualTo("failure");
        assertThat(ntlm.source.domain).isEqualTo("KALI");

        SecurityEvent cleared = Samples.decode("winlog", winlogbeat(1102, "Security", "{}"));
        assertThat(cleared.event.action).isEqualTo("audit_log_cleared");
    }

    @Test
    void winlogbeatSysmonEvents() {
        String ch = "Microsoft-Windows-Sysmon/Operational";
        SecurityEvent net =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                3,
                                ch,
                                "{\"UtcTime\":\"2026-11-25 03:04:05.001\",\"Image\":\"C:\\\\Users\\\\a\\\\AppData\\\\Local\\\\Temp\\\\x.exe\",\"ProcessId\":\"4242\",\"User\":\"SOTC\\\\nguyenvana\",\"Protocol\":\"tcp\",\"Initiated\":\"true\",\"SourceIp\":\"10.11.4.20\",\"SourcePort\":\"50001\",\"DestinationIp\":\"198.51.100.66\",\"DestinationHostname\":\"c2.example\",\"DestinationPort\":\"443\"}"));
        assertThat(net.event.action).isEqualTo("network_connection");
        assertThat(net.event.dataset).isEqualTo("winlog.sysmon");
        assertThat(net.destination.ip).isEqualTo("198.51.100.66");
        assertThat(net.destination.port).isEqualTo(443);
        assertThat(net.destination.domain).isEqualTo("c2.example");
        assertThat(net.network.direction).isEqualTo("outbound");
        assertThat(net.process.name).isEqualTo("x.exe");
        assertThat(net.user.name).isEqualTo("nguyenvana");
        assertThat(net.user.domain).isEqualTo("SOTC");
        assertThat(net.getTimestampIso()).isEqualTo("2026-11-25T03:04:05.001Z");

        SecurityEvent dns =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                22,
                                ch,
                                "{\"UtcTime\":\"2026-11-25 03:04:05.001\",\"Image\":\"C:\\\\Windows\\\\System32\\\\nslookup.exe\",\"ProcessId\":\"100\",\"QueryName\":\"c2.example\",\"QueryStatus\":\"0\",\"QueryResults\":\"::ffff:198.51.100.66;\"}"));
        assertThat(dns.event.action).isEqualTo("dns_query");
        assertThat(dns.dns.question.name).isEqualTo("c2.example");

        SecurityEvent file =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                11,
                                ch,
                                "{\"UtcTime\":\"2026-11-25 03:04:05.001\",\"Image\":\"C:\\\\Windows\\\\System32\\\\rundll32.exe\",\"ProcessId\":\"100\",\"TargetFilename\":\"C:\\\\Users\\\\a\\\\AppData\\\\Local\\\\Temp\\\\lsass.dmp\"}"));
        assertThat(file.event.action).isEqualTo("file_created");
        assertThat(file.file.name).isEqualTo("lsass.dmp");

        SecurityEvent access =
                Samples.decode(
                        "winlog",
                        winlogbeat(
                                10,
                                ch,
                                "{\"UtcTime\":\"2026-11-25 03:04:05.001\",\"SourceImage\":\"C:\\\\Windows\\\\System32\\\\rundll32.exe\",\"SourceProcessId\":\"100\",\"TargetImage\":\"C:\\\\Windows\\\\system32\\\\lsass.exe\",\"GrantedAccess\":\"0x1fffff\"}"));
        assertThat(access.event.action).isEqualTo("process_accessed");
        assertThat(access.fields("TargetImage")).endsWith("lsass.exe");
        assertThat(access.fields("GrantedAccess")).isEqualTo("0x1fffff");
    }

    @Test
    void nxlogWithEventTimeUsesTheConfiguredZone() {
        RecordDecoder d =
                new RecordDecoder(
                        DecoderOptions.defaults().withTimeZone("Asia/Ho_Chi_Minh"),
                        org.socengine.connectors.enrich.DepartmentDirectory.defaults());
        SecurityEvent e =
                Samples.decode(
                        d,
                        "winlog",
                        "{\"EventTime\":\"2026-11-25 10:04:05\",\"Hostname\":\"PC-KT01.so-tc.local\",\"EventID\":4625,\"SourceName\":\"Microsoft-Windows-Security-Auditing\",\"Channel\":\"Security\",\"TargetUserName\":\"admin\",\"LogonType\":\"3\",\"IpAddress\":\"10.11.9.9\",\"IpPort\":\"445\"}");
        assertThat(e.getTimestampIso()).isEqualTo("2026-11-25T03:04:05Z");
        assertThat(e.event.action).isEqualTo("logon_failed");
        assertThat(e.source.ip).isEqualTo("10.11.9.9");
        assertThat(e.fields("LogonType")).isEqualTo("3");
        assertThat(e.fields("EventTime")).isNull();
    }

    @Test
    void evtxDumpedToJsonAsSigmaRegressionDataIs() {
        String json =
                Samples.text("sigma/fe63010f-8823-4864-a96b-a7b4a0f7b929.json")
                        .replaceAll("\\s*\\n\\s*", " ");
        SecurityEvent e = Samples.decode("winlog", json);
        assertThat(e.event.code).isEqualTo("1");
        assertThat(e.event.dataset).isEqualTo("winlog.sysmon");
        assertThat(e.event.action).isEqualTo("process_created");
        assertThat(e.host.name).isEqualTo("ar-win-dc.attackrange.local");
        assertThat(e.process.executable).isEqualTo("C:\\Windows\\System32\\findstr.exe");
        assertThat(e.process.command_line).isEqualTo("findstr  lsass");
        assertThat(e.fields("OriginalFileName")).isEqualTo("FINDSTR.EXE");
        assertThat(e.getTimestampIso()).isEqualTo("2025-10-25T17:41:46.742Z");
    }

    @Test
    void security4688CarriesSigmaProcessCreationNames() throws IOException {
        SecurityEvent e =
                otrf().stream()
                        .filter(l -> l.contains("\"EventID\":4688"))
                        .map(l -> Samples.decode("winlog", l))
                        .findFirst()
                        .orElseThrow();
        assertThat(e.fields("Image")).isEqualTo("C:\\Windows\\System32\\rundll32.exe");
        assertThat(e.fields("ParentImage")).endsWith("powershell.exe");
        assertThat(e.fields("CommandLine")).contains("comsvcs.dll MiniDump");
    }

    @Test
    void notAWindowsEvent() {
        assertThat(Samples.deadLetter("winlog", "{\"event_type\":\"alert\"}"))
                .isEqualTo("wrong_format");
        assertThat(Samples.deadLetter("winlog", "{\"EventID\":\"abc\",\"Channel\":\"Security\"}"))
                .isEqualTo("malformed");
        assertThat(
                        Samples.deadLetter(
                                "winlog",
                                "{\"EventID\":4624,\"Channel\":\"Security\",\"EventTime\":\"soon\"}"))
                .isEqualTo("bad_timestamp");
    }
}
