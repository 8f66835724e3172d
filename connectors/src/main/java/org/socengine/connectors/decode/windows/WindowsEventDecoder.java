package org.socengine.connectors.decode.windows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.JsonRecords;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.connectors.decode.core.TextDecoder;
import org.socengine.connectors.decode.core.Times;
import org.socengine.model.SecurityEvent;

/**
 * Windows event log records as JSON (source {@code winlog}), from Winlogbeat ({@code winlog.*},
 * {@code winlog.event_data}) and from NXLog's {@code im_msvistalog} with {@code to_json()} (the
 * {@code EventID}, {@code Channel}, {@code Hostname} and the event data flattened beside them).
 *
 * <p>Security 4624, 4625, 4634, 4648, 4672, 4688, 4720, 4732, 4768, 4769, 4771, 4776, 1102 and
 * Sysmon 1, 3, 10, 11, 22 get their ECS fields; every other event decodes with its code, host and
 * user. Every event data field also stays under its Windows name in {@code fields} ({@code
 * LogonType}, {@code GrantedAccess}, {@code TargetImage}), which is what Sigma rules name.
 */
public class WindowsEventDecoder extends TextDecoder {

    public static final String SOURCE = "winlog";

    /** Envelope fields of NXLog records: everything else at the top level is event data. */
    private static final Set<String> NXLOG_ENVELOPE =
            Set.of(
                    "EventTime",
                    "EventReceivedTime",
                    "TimeCreated",
                    "Hostname",
                    "Computer",
                    "Keywords",
                    "EventType",
                    "SeverityValue",
                    "Severity",
                    "SourceName",
                    "ProviderName",
                    "ProviderGuid",
                    "Version",
                    "Task",
                    "OpcodeValue",
                    "Opcode",
                    "RecordNumber",
                    "ActivityID",
                    "ThreadID",
                    "Channel",
                    "Message",
                    "Category",
                    "SourceModuleName",
                    "SourceModuleType",
                    "EventID",
                    "EventId",
                    "Domain",
                    "AccountName",
                    "UserID",
                    "AccountType",
                    "ExecutionProcessID",
                    "@timestamp");

    private static final Pattern MSG_ACCOUNT = Pattern.compile("Account Name:\\s+([^\\r\\n\\t]+)");
    private static final Pattern MSG_DOMAIN =
            Pattern.compile("(?:Account |)Domain(?: Name)?:\\s+([^\\r\\n\\t]+)");
    private static final Pattern MSG_LOGON_ID = Pattern.compile("Logon ID:\\s+(0x[0-9A-Fa-f]+)");

    public WindowsEventDecoder(DecoderOptions options) {
        super(SOURCE, options);
    }

    @Override
    protected SecurityEvent decode(String line, RawRecord record) throws DecodeException {
        JsonNode n = JsonRecords.object(line);
        Map<String, String> data = new LinkedHashMap<>();
        String id;
        String channel;
        String provider;
        String computer;
        String time;
        String message;
        boolean utc;
        JsonNode winlog = n.get("winlog");
        if (winlog != null && winlog.isObject()) {
            id = JsonRecords.text(winlog, "event_id");
            if (id == null) {
                id = JsonRecords.path(n, "event.code");
            }
            channel = JsonRecords.text(winlog, "channel");
            provider = JsonRecords.text(winlog, "provider_name");
            computer = JsonRecords.text(winlog, "computer_name");
            if (computer == null) {
                computer = JsonRecords.path(n, "host.name");
            }
            time = JsonRecords.text(n, "@timestamp");
            utc = true;
            message = JsonRecords.text(n, "message");
            collect(winlog.get("event_data"), data);
            collect(winlog.get("user_data"), data);
            String pid = JsonRecords.path(winlog, "process.pid");
            if (pid != null) {
                data.putIfAbsent("winlog.process.pid", pid);
            }
        } else if (n.path("Event").path("System").isObject()) {
            // evtx files dumped to JSON (evtx_dump, python-evtx), as Sigma's regression data is.
            JsonNode sys = n.get("Event").get("System");
            JsonNode eid = sys.get("EventID");
            id =
                    eid == null
                            ? null
                            : eid.isObject()
                                    ? JsonRecords.text(eid, "#text")
                                    : JsonRecords.scalar(eid);
            channel = JsonRecords.text(sys, "Channel");
            provider =
                    first(
                            JsonRecords.path(sys, "Provider.#attributes.Name"),
                            JsonRecords.path(sys, "Provider.@Name"));
            computer = JsonRecords.text(sys, "Computer");
            time =
                    first(
                            JsonRecords.path(sys, "TimeCreated.#attributes.SystemTime"),
                            JsonRecords.path(sys, "TimeCreated.@SystemTime"));
            utc = true;
            message = null;
            collectXml(n.get("Event").get("EventData"), data, 0);
            collectXml(n.get("Event").get("UserData"), data, 0);
        } else if (n.has("EventID") || n.has("EventId")) {
            id = JsonRecords.text(n, n.has("EventID") ? "EventID" : "EventId");
            channel = JsonRecords.text(n, "Channel");
            provider =
                    first(JsonRecords.text(n, "SourceName"), JsonRecords.text(n, "ProviderName"));
            computer = first(JsonRecords.text(n, "Hostname"), JsonRecords.text(n, "Computer"));
            time = first(JsonRecords.text(n, "EventTime"), JsonRecords.text(n, "TimeCreated"));
            if (time == null) {
                time = JsonRecords.text(n, "@timestamp");
            }
            utc = false;
            message = JsonRecords.text(n, "Message");
            JsonNode ed = n.get("EventData");
            if (ed != null && ed.isObject()) {
                collect(ed, data);
            }
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> x = it.next();
                if (!NXLOG_ENVELOPE.contains(x.getKey())
                        && x.getValue().isValueNode()
                        && !x.getValue().isNull()) {
                    data.putIfAbsent(x.getKey(), JsonRecords.scalar(x.getValue()));
                }
            }
        } else {
            throw new DecodeException(
                    DecodeException.Reason.WRONG_FORMAT,
                    "JSON without winlog.event_id, Event.System or EventID: not a Windows event");
        }
        if (id == null || !Scan.digits(id, 1, 5)) {
            throw new DecodeException(
                    DecodeException.Reason.MALFORMED,
                    "Windows event id '" + DecoderSupport.cap(id, 16) + "'");
        }
        SecurityEvent e = newEvent(line);
        boolean sysmon =
                (channel != null && channel.startsWith("Microsoft-Windows-Sysmon"))
                        || (provider != null && provider.startsWith("Microsoft-Windows-Sysmon"));
        // Sysmon writes its own UTC time; NXLog's EventTime is local time without an offset.
        String utcTime = sysmon ? data.get("UtcTime") : null;
        if (utcTime != null) {
            e.timestamp = Times.iso(utcTime, java.time.ZoneOffset.UTC);
        } else if (time != null) {
            e.timestamp = Times.any(time, utc ? java.time.ZoneOffset.UTC : options.zone());
        } else {
            e.timestamp = Times.received(record, "Windows event");
        }
        SecurityEvent.Event ev = e.ensureEvent();
        ev.code = id;
        ev.provider = provider;
        String ch = channel == null ? "unknown" : channel;
        ev.dataset =
                SOURCE
                        + "."
                        + (sysmon ? "sysmon" : Scan.runsToUnderscore(ch.toLowerCase(Locale.ROOT)));
        if (computer != null) {
            SecurityEvent.Host h = e.ensureHost();
            h.name = computer;
            h.hostname = computer;
        }
        e.field("Channel", channel);
        e.field("EventID", id);
        for (Map.Entry<String, String> d : data.entrySet()) {
            e.field(d.getKey(), DecoderSupport.cap(d.getValue(), 4096));
        }
        int code = Integer.parseInt(id);
        if (sysmon) {
            sysmon(code, data, e);
        } else {
            security(code, data, e, message);
        }
        return e;
    }

    private static void collect(JsonNode node, Map<String, String> out) {
        if (node == null || !node.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        int n = 0;
        while (it.hasNext() && n++ < 256) {
            Map.Entry<String, JsonNode> x = it.next();
            JsonNode v = x.getValue();
            if (v.isValueNode() && !v.isNull()) {
                out.put(x.getKey(), JsonRecords.scalar(v));
            } else if (v.isArray()) {
                StringBuilder b = new StringBuilder();
                for (JsonNode a : v) {
                    b.append(b.length() == 0 ? "" : ",").append(a.asText());
                }
                out.put(x.getKey(), b.toString());
            }
        }
    }

    /**
     * Event data of the event XML rendered as JSON. evtx_dump and Velociraptor name each value
     * ({@code "Image": "..."}); converters that keep the XML shape give {@code "Data": [{"@Name" or
     * "#attributes": {"Name": ...}, "#text": ...}]}; {@code UserData} wraps its values in one
     * element named after the event ({@code Operation_ClientFailure}), which is looked into.
     */
    private static void collectXml(JsonNode node, Map<String, String> out, int depth) {
        if (node == null || !node.isObject() || depth > 3) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        int n = 0;
        while (it.hasNext() && n++ < 256 && out.size() < 256) {
            Map.Entry<String, JsonNode> x = it.next();
            String key = x.getKey();
            JsonNode v = x.getValue();
            if (key.startsWith("#") || key.startsWith("@")) {
                continue;
            }
            if (key.equals("Data") && (v.isArray() || named(v) != null)) {
                int unnamed = 0;
                for (JsonNode d : v.isArray() ? v : java.util.List.of(v)) {
                    String name = named(d);
                    String text =
                            d.isObject() ? JsonRecords.text(d, "#text") : JsonRecords.scalar(d);
                    if (name == null) {
                        // <Data> without a Name (classic event log): keep them by position.
                        name = "Data" + (unnamed++ == 0 ? "" : String.valueOf(unnamed));
                    }
                    if (text != null) {
                        out.put(name, text);
                    }
                }
            } else if (v.isValueNode() && !v.isNull()) {
                out.put(key, JsonRecords.scalar(v));
                if (key.indexOf(' ') >= 0) {
                    // Defender names its data "Threat Name", "Source Name"; Sigma and Winlogbeat
                    // spell them without the spaces.
                    out.putIfAbsent(key.replace(" ", ""), JsonRecords.scalar(v));
                }
            } else if (v.isObject()) {
                String text = JsonRecords.text(v, "#text");
                if (text != null) {
                    out.put(key, text);
                } else {
                    collectXml(v, out, depth + 1);
                }
            } else if (v.isArray()) {
                StringBuilder b = new StringBuilder();
                for (JsonNode a : v) {
                    b.append(b.length() == 0 ? "" : ",").append(a.asText());
                }
                out.put(key, b.toString());
            }
        }
    }

    /** The {@code Name} attribute of a {@code <Data>} element rendered as JSON, or null. */
    private static String named(JsonNode d) {
        if (d == null || !d.isObject()) {
            return null;
        }
        String name = JsonRecords.text(d, "@Name");
        if (name == null) {
            name = JsonRecords.path(d, "#attributes.Name");
        }
        return name;
    }

    private static void security(int code, Map<String, String> d, SecurityEvent e, String message) {
        SecurityEvent.Event ev = e.ensureEvent();
        switch (code) {
            case 4624, 4625 -> {
                set(
                        ev,
                        "authentication",
                        "start",
                        code == 4624 ? "logon" : "logon_failed",
                        code == 4624);
                user(e, d.get("TargetUserName"), d.get("TargetDomainName"), d.get("TargetUserSid"));
                source(e, d.get("IpAddress"), d.get("IpPort"));
                workstation(e, d.get("WorkstationName"));
                executable(e, d.get("ProcessName"), d.get("ProcessId"));
            }
            case 4634, 4647 -> {
                set(ev, "session", "end", "logoff", true);
                user(e, d.get("TargetUserName"), d.get("TargetDomainName"), d.get("TargetUserSid"));
            }
            case 4648 -> {
                set(ev, "authentication", "start", "explicit_credentials_logon", true);
                user(
                        e,
                        d.get("SubjectUserName"),
                        d.get("SubjectDomainName"),
                        d.get("SubjectUserSid"));
                target(e, d.get("TargetUserName"), d.get("TargetDomainName"), null);
                String server = dash(d.get("TargetServerName"));
                if (server != null) {
                    e.ensureDestination().domain = server;
                }
                source(e, d.get("IpAddress"), d.get("IpPort"));
                executable(e, d.get("ProcessName"), d.get("ProcessId"));
            }
            case 4672 -> {
                set(ev, "iam", "admin", "special_privileges_assigned", true);
                user(
                        e,
                        d.get("SubjectUserName"),
                        d.get("SubjectDomainName"),
                        d.get("SubjectUserSid"));
            }
            case 4688 -> {
                set(ev, "process", "start", "process_created", true);
                // Sigma's process_creation rules name Sysmon's fields; give 4688 the same names.
                if (!d.containsKey("Image")) {
                    e.field("Image", dash(d.get("NewProcessName")));
                }
                if (!d.containsKey("ParentImage")) {
                    e.field("ParentImage", dash(d.get("ParentProcessName")));
                }
                user(
                        e,
                        d.get("SubjectUserName"),
                        d.get("SubjectDomainName"),
                        d.get("SubjectUserSid"));
                executable(e, d.get("NewProcessName"), d.get("NewProcessId"));
                String cmd = dash(d.get("CommandLine"));
                if (cmd != null) {
                    e.ensureProcess().command_line = cmd;
                }
                String parent = dash(d.get("ParentProcessName"));
                SecurityEvent.ParentProcess p = null;
                if (parent != null) {
                    p = e.ensureProcess().ensureParent();
                    p.executable = parent;
                    p.name = basename(parent);
                }
                Long ppid = pid(d.get("ProcessId"));
                if (ppid != null) {
                    e.ensureProcess().ensureParent().pid = ppid;
                }
            }
            case 4720, 4722, 4725, 4726, 4738, 4740, 4767 -> {
                String action =
                        switch (code) {
                            case 4720 -> "user_created";
                            case 4722 -> "user_enabled";
                            case 4725 -> "user_disabled";
                            case 4726 -> "user_deleted";
                            case 4740 -> "user_locked_out";
                            case 4767 -> "user_unlocked";
                            default -> "user_modified";
                        };
                set(
                        ev,
                        "iam",
                        code == 4720 ? "creation" : code == 4726 ? "deletion" : "change",
                        action,
                        true);
                user(
                        e,
                        d.get("SubjectUserName"),
                        d.get("SubjectDomainName"),
                        d.get("SubjectUserSid"));
                target(e, d.get("TargetUserName"), d.get("TargetDomainName"), d.get("TargetSid"));
            }
            case 4728, 4732, 4756, 4729, 4733, 4757 -> {
                boolean added = code == 4728 || code == 4732 || code == 4756;
                set(
                        ev,
                        "iam",
                        "change",
                        added ? "member_added_to_group" : "member_removed_from_group",
                        true);
                user(
                        e,
                        d.get("SubjectUserName"),
                        d.get("SubjectDomainName"),
                        d.get("SubjectUserSid"));
                String member = dash(d.get("MemberName"));
                SecurityEvent.Target t = e.ensureUser().ensureTarget();
                if (member != null) {
                    t.name = cn(member);
                }
                t.id = dash(d.get("MemberSid"));
                SecurityEvent.Group g = e.ensureGroup();
                g.name = dash(d.get("TargetUserName"));
                g.domain = dash(d.get("TargetDomainName"));
                g.id = dash(d.get("TargetSid"));
            }
            case 4768, 4769, 4771 -> {
                String status = d.get("Status");
                boolean ok = isSuccessStatus(status);
                String action =
                        code == 4768
                                ? "kerberos_tgt_requested"
                                : code == 4769
                                        ? "kerberos_service_ticket_requested"
                                        : "kerberos_preauth_failed";
                set(ev, "authentication", "start", action, code != 4771 && ok);
                String name = dash(d.get("TargetUserName"));
                String domain = dash(d.get("TargetDomainName"));
                if (name != null && name.contains("@") && domain == null) {
                    domain = name.substring(name.indexOf('@') + 1);
                    name = name.substring(0, name.indexOf('@'));
                } else if (name != null && name.contains("@")) {
                    name = name.substring(0, name.indexOf('@'));
                }
                user(e, name, domain, d.get("TargetSid"));
                source(e, d.get("IpAddress"), d.get("IpPort"));
                String service = dash(d.get("ServiceName"));
                if (service != null) {
                    e.ensureDestination().domain = service;
                }
            }
            case 4776 -> {
                String status = d.get("Status");
                boolean ok = isSuccessStatus(status);
                set(ev, "authentication", "start", "credential_validation", ok);
                user(e, d.get("TargetUserName"), null, null);
                workstation(e, d.get("Workstation"));
            }
            case 1102, 104 -> {
                set(ev, "host", "change", "audit_log_cleared", true);
                String name = d.get("SubjectUserName");
                String domain = d.get("SubjectDomainName");
                if (name == null && message != null) {
                    // NXLog sends the 1102 user data only inside the rendered message.
                    name = group(MSG_ACCOUNT, message);
                    domain = group(MSG_DOMAIN, message);
                    e.field("SubjectLogonId", group(MSG_LOGON_ID, message));
                }
                user(e, name, domain, d.get("SubjectUserSid"));
            }
            case 4689 -> {
                set(ev, "process", "end", "process_terminated", true);
                user(
                        e,
                        d.get("SubjectUserName"),
                        d.get("SubjectDomainName"),
                        d.get("SubjectUserSid"));
                executable(e, d.get("ProcessName"), d.get("ProcessId"));
            }
            case 4656, 4658, 4663, 4690 -> {
                String action =
                        switch (code) {
                            case 4656 -> "object_handle_requested";
                            case 4658 -> "object_handle_closed";
                            case 4663 -> "object_accessed";
                            default -> "object_handle_duplicated";
                        };
                set(ev, "file", "access", action, true);
                user(
                        e,
                        d.get("SubjectUserName"),
                        d.get("SubjectDomainName"),
                        d.get("SubjectUserSid"));
                executable(e, d.get("ProcessName"), d.get("ProcessId"));
                String object = dash(d.get("ObjectName"));
                if (object != null) {
                    e.ensureFile().path = object;
                    e.file.name = basename(object);
                }
            }
            case 5156, 5157, 5158 -> {
                boolean bind = code == 5158;
                set(
                        ev,
                        "network",
                        bind ? "info" : code == 5156 ? "allowed" : "denied",
                        bind
                                ? "port_bound"
                                : code == 5156 ? "connection_allowed" : "connection_denied",
                        code != 5157);
                executable(
                        e,
                        d.get("Application"),
                        d.get("ProcessID") != null ? d.get("ProcessID") : d.get("ProcessId"));
                String direction = d.get("Direction");
                // The Windows Filtering Platform logs addresses from the local host's point of
                // view.
                boolean inbound =
                        direction != null
                                && (direction.contains("14592")
                                        || direction.equalsIgnoreCase("Inbound"));
                if (inbound) {
                    Net.source(
                            e, dash(d.get("DestAddress")), DecoderSupport.port(d.get("DestPort")));
                    Net.destination(
                            e,
                            dash(d.get("SourceAddress")),
                            DecoderSupport.port(d.get("SourcePort")));
                } else {
                    Net.source(
                            e,
                            dash(d.get("SourceAddress")),
                            DecoderSupport.port(d.get("SourcePort")));
                    Net.destination(
                            e, dash(d.get("DestAddress")), DecoderSupport.port(d.get("DestPort")));
                }
                if (direction != null) {
                    e.ensureNetwork().direction = inbound ? "inbound" : "outbound";
                }
                String proto = d.get("Protocol");
                if (proto != null) {
                    e.ensureNetwork().transport = Net.transport(proto);
                }
            }
            default -> {
                ev.category = "host";
                ev.action = "windows_event_" + code;
                user(
                        e,
                        d.get("SubjectUserName"),
                        d.get("SubjectDomainName"),
                        d.get("SubjectUserSid"));
            }
        }
    }

    private static void sysmon(int code, Map<String, String> d, SecurityEvent e) {
        SecurityEvent.Event ev = e.ensureEvent();
        executable(e, d.get("Image"), d.get("ProcessId"));
        domainUser(e, d.get("User"));
        switch (code) {
            case 1 -> {
                set(ev, "process", "start", "process_created", true);
                String cmd = dash(d.get("CommandLine"));
                if (cmd != null) {
                    e.ensureProcess().command_line = cmd;
                }
                String parent = dash(d.get("ParentImage"));
                if (parent != null) {
                    SecurityEvent.ParentProcess p = e.ensureProcess().ensureParent();
                    p.executable = parent;
                    p.name = basename(parent);
                    p.command_line = dash(d.get("ParentCommandLine"));
                    p.pid = pid(d.get("ParentProcessId"));
                }
            }
            case 3 -> {
                set(ev, "network", "start", "network_connection", true);
                Net.source(e, dash(d.get("SourceIp")), DecoderSupport.port(d.get("SourcePort")));
                Net.destination(
                        e,
                        dash(d.get("DestinationIp")),
                        DecoderSupport.port(d.get("DestinationPort")));
                String dh = dash(d.get("DestinationHostname"));
                if (dh != null) {
                    e.ensureDestination().domain = dh;
                }
                String proto = d.get("Protocol");
                if (proto != null) {
                    e.ensureNetwork().transport = Net.transport(proto);
                }
                String initiated = d.get("Initiated");
                if (initiated != null) {
                    e.ensureNetwork().direction =
                            initiated.equalsIgnoreCase("true") ? "outbound" : "inbound";
                }
            }
            case 10 -> {
                set(ev, "process", "access", "process_accessed", true);
                executable(e, d.get("SourceImage"), d.get("SourceProcessId"));
            }
            case 11 -> {
                set(ev, "file", "creation", "file_created", true);
                String path = dash(d.get("TargetFilename"));
                if (path != null) {
                    e.ensureFile().path = path;
                    e.file.name = basename(path);
                }
            }
            case 22 -> {
                set(ev, "network", "protocol", "dns_query", true);
                String q = dash(d.get("QueryName"));
                if (q != null) {
                    e.ensureDns().ensureQuestion().name = q;
                    e.dns.type = "query";
                }
                String status = d.get("QueryStatus");
                if (status != null && !status.equals("0")) {
                    ev.outcome = "failure";
                }
                e.ensureNetwork().protocol = "dns";
            }
            default -> {
                String action =
                        switch (code) {
                            case 2 -> "file_creation_time_changed";
                            case 4 -> "sysmon_state_changed";
                            case 5 -> "process_terminated";
                            case 6 -> "driver_loaded";
                            case 7 -> "image_loaded";
                            case 8 -> "remote_thread_created";
                            case 9 -> "raw_disk_read";
                            case 12 -> "registry_object_changed";
                            case 13 -> "registry_value_set";
                            case 14 -> "registry_key_renamed";
                            case 15 -> "file_stream_created";
                            case 17 -> "pipe_created";
                            case 18 -> "pipe_connected";
                            case 23, 26 -> "file_deleted";
                            case 25 -> "process_tampering";
                            default -> "sysmon_event_" + code;
                        };
                String category =
                        switch (code) {
                            case 2, 11, 15, 23, 26 -> "file";
                            case 6, 4 -> "host";
                            case 12, 13, 14 -> "host";
                            default -> "process";
                        };
                set(ev, category, "info", action, true);
            }
        }
    }

    private static void set(
            SecurityEvent.Event ev, String category, String type, String action, boolean ok) {
        ev.category = category;
        ev.type = type;
        ev.action = action;
        ev.outcome = ok ? "success" : "failure";
    }

    private static void user(SecurityEvent e, String name, String domain, String sid) {
        name = dash(name);
        if (name == null) {
            return;
        }
        SecurityEvent.User u = e.ensureUser();
        u.name = name;
        u.domain = dash(domain);
        u.id = dash(sid);
    }

    private static void target(SecurityEvent e, String name, String domain, String sid) {
        name = dash(name);
        if (name == null) {
            return;
        }
        SecurityEvent.Target t = e.ensureUser().ensureTarget();
        t.name = name;
        t.domain = dash(domain);
        t.id = dash(sid);
    }

    /** Sysmon's {@code User}: {@code DOMAIN\name}. */
    private static void domainUser(SecurityEvent e, String user) {
        user = dash(user);
        if (user == null) {
            return;
        }
        int bs = user.indexOf('\\');
        SecurityEvent.User u = e.ensureUser();
        u.name = bs < 0 ? user : user.substring(bs + 1);
        u.domain = bs < 0 ? null : user.substring(0, bs);
    }

    private static void source(SecurityEvent e, String ip, String port) {
        ip = dash(ip);
        if (ip == null) {
            return;
        }
        Net.source(e, ip, DecoderSupport.port(port));
    }

    private static void workstation(SecurityEvent e, String ws) {
        ws = dash(ws);
        if (ws != null) {
            e.ensureSource().domain = ws;
        }
    }

    private static void executable(SecurityEvent e, String exe, String pid) {
        exe = dash(exe);
        if (exe != null) {
            SecurityEvent.Process p = e.ensureProcess();
            p.executable = exe;
            p.name = basename(exe);
        }
        Long p = pid(pid);
        if (p != null) {
            e.ensureProcess().pid = p;
        }
    }

    /** A process id in decimal or, as the Security log writes it, in hex ({@code 0x12d8}). */
    static Long pid(String s) {
        s = dash(s);
        if (s == null) {
            return null;
        }
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return s.length() > 18 ? null : Long.parseLong(s.substring(2), 16);
            }
            return s.length() > 18 ? null : Long.parseLong(s);
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    private static String basename(String path) {
        int cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
        return cut < 0 ? path : path.substring(cut + 1);
    }

    /** The common name of an LDAP distinguished name, or the text itself. */
    private static String cn(String dn) {
        if (dn.regionMatches(true, 0, "CN=", 0, 3)) {
            int comma = dn.indexOf(',');
            while (comma > 0 && dn.charAt(comma - 1) == '\\') {
                comma = dn.indexOf(',', comma + 1);
            }
            return (comma < 0 ? dn.substring(3) : dn.substring(3, comma)).replace("\\,", ",");
        }
        return dn;
    }

    private static String dash(String s) {
        return s == null || s.isBlank() || s.equals("-") ? null : s.strip();
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1).strip() : null;
    }

    /**
     * Whether a Kerberos or NTLM result code is success: absent, or zero however Windows wrote it
     * ({@code 0x0} in the event viewer, {@code 0x00000000} in rendered XML and most shippers,
     * {@code 0}).
     */
    static boolean isSuccessStatus(String status) {
        if (status == null) {
            return true;
        }
        String s = status.strip();
        if (s.regionMatches(true, 0, "0x", 0, 2)) {
            s = s.substring(2);
        }
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
