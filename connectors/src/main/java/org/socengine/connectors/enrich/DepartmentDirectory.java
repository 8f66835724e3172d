package org.socengine.connectors.enrich;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.socengine.connectors.decode.Decoders;
import org.socengine.connectors.decode.RawRecord;
import org.socengine.model.SecurityEvent;

/**
 * The departments the SOC serves, and the attribution of an event to one of them, in the order of
 * DESIGN.md: the {@code department} header, the record key, the topic ({@code
 * soc.raw.<source>.<department>}), then the address ranges.
 *
 * <p>The file format is one department a line: {@code id<TAB>name<TAB>cidr,cidr}; {@code #} starts
 * a comment.
 */
public final class DepartmentDirectory implements Serializable {

    private static final String DEFAULT_RESOURCE = "departments.tsv";

    private final Map<String, Department> byId;

    public DepartmentDirectory(List<Department> departments) {
        Map<String, Department> m = new LinkedHashMap<>();
        for (Department d : departments) {
            m.put(d.id(), d);
        }
        this.byId = m;
    }

    /** The directory shipped with the engine: the departments of the demo province. */
    public static DepartmentDirectory defaults() {
        try (InputStream in = DepartmentDirectory.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DepartmentDirectory load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static DepartmentDirectory parse(String text) throws IOException {
        List<Department> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(text))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                if (cols.length < 2) {
                    throw new IOException("line " + n + ": expected id<TAB>name[<TAB>cidrs]");
                }
                List<String> cidrs =
                        cols.length > 2 && !cols[2].isBlank()
                                ? Arrays.stream(cols[2].split(",")).map(String::strip).toList()
                                : List.of();
                out.add(new Department(cols[0].strip(), cols[1].strip(), cidrs));
            }
        }
        return new DepartmentDirectory(out);
    }

    public List<Department> all() {
        return new ArrayList<>(byId.values());
    }

    public Department get(String id) {
        return byId.get(id);
    }

    /** Sets {@code organization.id} and {@code organization.name} on the event, when known. */
    public void attribute(RawRecord record, SecurityEvent event) {
        String id =
                firstKnown(record.departmentHeader, record.key, departmentOfTopic(record.topic));
        if (id == null) {
            id = byAddress(event);
        }
        if (id == null) {
            // An unknown header or key still names the tenant; keep it rather than guess.
            id = firstNonBlank(record.departmentHeader, record.key);
        }
        if (id != null) {
            SecurityEvent.Organization org = event.ensureOrganization();
            org.id = id;
            Department d = byId.get(id);
            org.name = d == null ? null : d.name();
        }
    }

    private String firstKnown(String... ids) {
        for (String id : ids) {
            if (id != null && byId.containsKey(id)) {
                return id;
            }
        }
        return null;
    }

    private static String firstNonBlank(String... ids) {
        for (String id : ids) {
            if (id != null && !id.isBlank()) {
                return id;
            }
        }
        return null;
    }

    private static String departmentOfTopic(String topic) {
        String source = Decoders.sourceOfTopic(topic);
        if (source == null) {
            return null;
        }
        String rest = topic.substring(("soc.raw." + source).length());
        return rest.startsWith(".") ? rest.substring(1) : null;
    }

    private String byAddress(SecurityEvent e) {
        String[] candidates = {
            e.observer == null ? null : e.observer.ip,
            e.host == null ? null : e.host.ip,
            e.source == null ? null : e.source.ip,
            e.destination == null ? null : e.destination.ip
        };
        for (String ip : candidates) {
            if (ip == null) {
                continue;
            }
            for (Department d : byId.values()) {
                for (String cidr : d.cidrs()) {
                    if (Cidr.contains(cidr, ip)) {
                        return d.id();
                    }
                }
            }
        }
        return null;
    }
}
