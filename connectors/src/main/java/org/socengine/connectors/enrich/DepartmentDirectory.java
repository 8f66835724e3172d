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
import org.socengine.model.Alert;
import org.socengine.model.SecurityEvent;

/**
 * The departments the SOC serves: id, name and address ranges. Which department a record belongs to
 * is decided by the department trust policy (decode); this directory says which ids exist (no other
 * id is ever given to an event) and whose ranges hold an address.
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
                String id = cols[0].strip();
                if (!id.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
                    // The id names Kafka topics (soc.raw.<source>.<id>) and alert indices.
                    throw new IOException(
                            "line "
                                    + n
                                    + ": department id '"
                                    + id
                                    + "' must be 1-64 lower-case letters, digits, '-' or '_'");
                }
                if (reserved(id)) {
                    throw new IOException(
                            "line " + n + ": '" + id + "' is reserved and cannot be a department");
                }
                out.add(new Department(id, cols[1].strip(), cidrs));
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

    /**
     * Sets {@code organization.id} and {@code organization.name} on the event to a department of
     * this directory, or clears them (a decoder that read a department from the record's content
     * does not decide it either: only the trust policy does).
     */
    public void assign(SecurityEvent event, String id) {
        Department d = id == null ? null : byId.get(id);
        if (d == null) {
            event.organization = null;
            return;
        }
        SecurityEvent.Organization org = event.ensureOrganization();
        org.id = d.id();
        org.name = d.name();
    }

    /** The department whose address ranges hold the first of the addresses that one holds. */
    public String byRange(String... addresses) {
        Range[] ranges = ranges();
        for (String ip : addresses) {
            if (ip == null) {
                continue;
            }
            long addr = Cidr.ipv4(ip);
            for (Range r : ranges) {
                if (r.mask < 0
                        ? Cidr.contains(r.cidr, ip)
                        : addr >= 0 && (addr & r.mask) == r.net) {
                    return r.department;
                }
            }
        }
        return null;
    }

    /**
     * One range of a department, its network and mask parsed once (every decoded record asks for
     * its department); mask -1 for a range that is not a plain IPv4 CIDR, which {@link
     * Cidr#contains} then decides as before.
     */
    private record Range(String department, String cidr, long net, long mask) {}

    private transient Range[] ranges;

    private Range[] ranges() {
        Range[] r = ranges;
        if (r == null) {
            List<Range> out = new ArrayList<>();
            for (Department d : byId.values()) {
                for (String cidr : d.cidrs()) {
                    out.add(range(d.id(), cidr));
                }
            }
            r = out.toArray(new Range[0]);
            ranges = r;
        }
        return r;
    }

    private static Range range(String department, String cidr) {
        int slash = cidr.indexOf('/');
        long net = Cidr.ipv4(slash < 0 ? cidr : cidr.substring(0, slash));
        if (net < 0) {
            // Matches no address.
            return new Range(department, cidr, -1, 0xFFFFFFFFL);
        }
        int bits;
        try {
            bits = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return new Range(department, cidr, 0, -1);
        }
        if (bits < 0 || bits > 32) {
            return new Range(department, cidr, 0, -1);
        }
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return new Range(department, cidr, net & mask, mask);
    }

    /** Department ids the engine reserves: they name indices, never a department. */
    public static boolean reserved(String id) {
        return Alert.PROVINCE.equals(id) || "unattributed".equals(id) || "unknown".equals(id);
    }
}
