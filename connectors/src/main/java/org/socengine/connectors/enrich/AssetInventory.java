package org.socengine.connectors.enrich;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.socengine.model.SecurityEvent;

/**
 * The asset inventory of the departments: which address ranges and host names belong to which
 * department, what the asset is, who owns it and how critical it is. The the department trust
 * policy reads the department of a record's device from it; {@link #enrich} adds {@code
 * asset.name}, {@code asset.owner}, {@code asset.criticality} and {@code asset.matched} (the event
 * field that matched) to the event's {@code fields}.
 *
 * <p>File format (CSV, UTF-8, {@code #} starts a comment line, fields may be double-quoted):
 *
 * <pre>
 * match,department,asset,owner,criticality
 * 10.12.0.0/16,so-yt,Sở Y tế LAN,phong-cntt@so-yt,medium
 * 10.12.1.10,so-yt,His database,dba@so-yt,critical
 * mail01.so-yt.local,so-yt,Mail server,phong-cntt@so-yt,high
 * *.ubnd-samson.local,ubnd-tp-samson,Workstations,it@samson,low
 * </pre>
 *
 * {@code match} is an IPv4 address, an IPv4 CIDR, a host name, or {@code *.} and a domain suffix.
 * {@code department} may be empty (the asset is known but shared); {@code criticality} is one of
 * {@code low}, {@code medium}, {@code high}, {@code critical}. The most specific match wins: a host
 * name before an address, the longest prefix among ranges.
 *
 * <p>{@link #reload()} swaps in a new version of the file only when all of it is valid; a broken
 * edit keeps the previous inventory running and reports every bad line with its number.
 */
public final class AssetInventory implements Serializable {

    private static final Logger LOG = LoggerFactory.getLogger(AssetInventory.class);
    private static final Set<String> CRITICALITY = Set.of("low", "medium", "high", "critical");
    private static final String HEADER = "match,department,asset,owner,criticality";

    /** One line of the inventory. */
    public record Asset(
            String match, String department, String name, String owner, String criticality)
            implements Serializable {}

    /** The file could not be read as an inventory; the message lists the bad lines. */
    public static final class InvalidInventoryException extends IOException {
        private final List<String> problems;

        InvalidInventoryException(String source, List<String> problems) {
            super(source + ": " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private record Range(long network, long mask, int bits, Asset asset) implements Serializable {}

    private record Snapshot(
            Map<String, Asset> hosts,
            List<Map.Entry<String, Asset>> suffixes,
            List<Range> ranges,
            int size)
            implements Serializable {}

    private final String file;
    private final DepartmentDirectory departments;
    private final AtomicReference<Snapshot> current;
    private transient ScheduledExecutorService watcher;
    private long loadedModified;
    private long loadedSize;

    private AssetInventory(String file, DepartmentDirectory departments, Snapshot snapshot) {
        this.file = file;
        this.departments = departments;
        this.current = new AtomicReference<>(snapshot);
    }

    /** Loads the inventory file; fails with every bad line when it is invalid. */
    public static AssetInventory load(Path file, DepartmentDirectory departments)
            throws IOException {
        // Before the content, as a reload takes them.
        long modified = Files.getLastModifiedTime(file).toMillis();
        long size = Files.size(file);
        AssetInventory inv =
                new AssetInventory(
                        file.toAbsolutePath().toString(),
                        departments,
                        parse(Files.readString(file), file.toString()));
        inv.loadedModified = modified;
        inv.loadedSize = size;
        return inv;
    }

    /** An inventory from text, not backed by a file (tests, the command line). */
    public static AssetInventory of(String csv, DepartmentDirectory departments)
            throws IOException {
        return new AssetInventory(null, departments, parse(csv, "inventory"));
    }

    /** The number of entries in effect. */
    public int size() {
        return current.get().size();
    }

    /**
     * Reads the file again and swaps it in atomically if it is valid.
     *
     * @return true when the new version is in effect
     * @throws InvalidInventoryException when the file is invalid; the old inventory stays in effect
     */
    public boolean reload() throws IOException {
        if (file == null) {
            return false;
        }
        Path p = Path.of(file);
        load(p, Files.getLastModifiedTime(p).toMillis(), Files.size(p));
        return true;
    }

    /**
     * Parses the file and swaps it in, remembering the time and size read before its content: an
     * edit that lands while it is read is then seen as a change at the next poll. Taken after the
     * read, they were the edit's, and an edit right after a broken one was never loaded.
     */
    private void load(Path p, long modified, long size) throws IOException {
        try {
            current.set(parse(Files.readString(p), file));
        } finally {
            // A broken version too: it is reported once, not at every poll.
            loadedModified = modified;
            loadedSize = size;
        }
    }

    /**
     * Polls the file and reloads it when it changed. Polling (rather than a WatchService) also sees
     * files replaced on network and container-mounted volumes, where inotify events do not arrive.
     */
    public synchronized void watch(long intervalMillis) {
        if (file == null || watcher != null) {
            return;
        }
        watcher =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "asset-inventory-watcher");
                            t.setDaemon(true);
                            return t;
                        });
        watcher.scheduleWithFixedDelay(
                this::reloadIfChanged, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Reloads when the file's time or size changed; returns true when a new version went in. */
    public boolean reloadIfChanged() {
        if (file == null) {
            return false;
        }
        try {
            Path p = Path.of(file);
            long modified = Files.getLastModifiedTime(p).toMillis();
            long size = Files.size(p);
            if (modified == loadedModified && size == loadedSize) {
                return false;
            }
            load(p, modified, size);
            LOG.info("asset inventory {} reloaded: {} entries", file, size());
            return true;
        } catch (IOException e) {
            LOG.warn(
                    "asset inventory {} not reloaded, keeping the previous version: {}",
                    file,
                    e.getMessage());
            return false;
        }
    }

    public synchronized void stopWatching() {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher = null;
        }
    }

    /**
     * The asset of the device that logged the event: by host name ({@code host.name}, {@code
     * host.hostname}, {@code observer.hostname}), else by its address ({@code observer.ip}, {@code
     * host.ip}); never by the source or destination it talked to. Null when none matches.
     */
    public Asset lookupDevice(SecurityEvent e) {
        Snapshot s = current.get();
        String[] names = {
            e.host == null ? null : e.host.name,
            e.host == null ? null : e.host.hostname,
            e.observer == null ? null : e.observer.hostname
        };
        for (String n : names) {
            Asset a = byName(s, n);
            if (a != null) {
                return a;
            }
        }
        String[] ips = {
            e.observer == null ? null : e.observer.ip, e.host == null ? null : e.host.ip
        };
        for (String ip : ips) {
            Asset a = byAddress(s, ip);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    /** The asset of an address, or null. */
    public Asset lookupAddress(String ip) {
        return ip == null ? null : byAddress(current.get(), ip);
    }

    /** The asset an event is about, or null. */
    public Asset lookup(SecurityEvent e) {
        Snapshot s = current.get();
        String[] names = {
            e.host == null ? null : e.host.name,
            e.host == null ? null : e.host.hostname,
            e.observer == null ? null : e.observer.hostname
        };
        for (String n : names) {
            Asset a = byName(s, n);
            if (a != null) {
                return a;
            }
        }
        for (String ip : addresses(e)) {
            Asset a = byAddress(s, ip);
            if (a != null) {
                return a;
            }
        }
        return null;
    }

    /** Adds the asset's fields (the department is the trust policy's to decide). */
    public void enrich(SecurityEvent e) {
        Snapshot s = current.get();
        Asset asset = null;
        String matched = null;
        String[][] names = {
            {"host.name", e.host == null ? null : e.host.name},
            {"host.hostname", e.host == null ? null : e.host.hostname},
            {"observer.hostname", e.observer == null ? null : e.observer.hostname}
        };
        for (String[] n : names) {
            asset = byName(s, n[1]);
            if (asset != null) {
                matched = n[0];
                break;
            }
        }
        if (asset == null) {
            String[][] ips = {
                {"observer.ip", e.observer == null ? null : e.observer.ip},
                {"host.ip", e.host == null ? null : e.host.ip},
                {"source.ip", e.source == null ? null : e.source.ip},
                {"destination.ip", e.destination == null ? null : e.destination.ip}
            };
            for (String[] ip : ips) {
                asset = byAddress(s, ip[1]);
                if (asset != null) {
                    matched = ip[0];
                    break;
                }
            }
        }
        if (asset == null) {
            return;
        }
        e.field("asset.name", asset.name());
        e.field("asset.owner", asset.owner());
        e.field("asset.criticality", asset.criticality());
        e.field("asset.matched", matched);
    }

    private static String[] addresses(SecurityEvent e) {
        return new String[] {
            e.observer == null ? null : e.observer.ip,
            e.host == null ? null : e.host.ip,
            e.source == null ? null : e.source.ip,
            e.destination == null ? null : e.destination.ip
        };
    }

    private static Asset byName(Snapshot s, String name) {
        if (name == null || name.isEmpty()) {
            return null;
        }
        String n = name.toLowerCase(Locale.ROOT);
        Asset a = s.hosts().get(n);
        if (a != null) {
            return a;
        }
        for (Map.Entry<String, Asset> x : s.suffixes()) {
            if (n.endsWith(x.getKey())) {
                return x.getValue();
            }
        }
        return null;
    }

    private static Asset byAddress(Snapshot s, String ip) {
        long addr = Cidr.ipv4(ip);
        if (addr < 0) {
            return null;
        }
        // Ranges are sorted longest prefix first, so the first hit is the most specific.
        for (Range r : s.ranges()) {
            if ((addr & r.mask()) == r.network()) {
                return r.asset();
            }
        }
        return null;
    }

    static Snapshot parse(String text, String source) throws InvalidInventoryException {
        List<String> problems = new ArrayList<>();
        Map<String, Asset> hosts = new HashMap<>();
        List<Map.Entry<String, Asset>> suffixes = new ArrayList<>();
        List<Range> ranges = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        boolean header = false;
        int count = 0;
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String line = lines[i];
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (!header) {
                if (!line.strip().replace(" ", "").equalsIgnoreCase(HEADER)) {
                    problems.add("line " + n + ": expected the header '" + HEADER + "'");
                    break;
                }
                header = true;
                continue;
            }
            List<String> cols;
            try {
                cols = csv(line);
            } catch (IllegalArgumentException e) {
                problems.add("line " + n + ": " + e.getMessage());
                continue;
            }
            if (cols.size() != 5) {
                problems.add("line " + n + ": expected 5 columns, found " + cols.size());
                continue;
            }
            String match = cols.get(0).strip().toLowerCase(Locale.ROOT);
            String dept = blankToNull(cols.get(1));
            String name = blankToNull(cols.get(2));
            String owner = blankToNull(cols.get(3));
            String crit = cols.get(4).strip().toLowerCase(Locale.ROOT);
            if (match.isEmpty()) {
                problems.add("line " + n + ": empty match");
                continue;
            }
            if (!CRITICALITY.contains(crit)) {
                problems.add(
                        "line "
                                + n
                                + ": criticality '"
                                + cols.get(4).strip()
                                + "' is not one of low, medium, high, critical");
                continue;
            }
            if (dept != null && !dept.matches("[A-Za-z0-9._-]{1,64}")) {
                problems.add(
                        "line "
                                + n
                                + ": department id '"
                                + dept
                                + "' has characters other than letters, digits, '.', '_' and '-'");
                continue;
            }
            if (!seen.add(match)) {
                problems.add("line " + n + ": '" + match + "' is listed twice");
                continue;
            }
            Asset asset = new Asset(match, dept, name, owner, crit);
            if (Character.isDigit(match.charAt(0))
                    && (match.contains("/")
                            || Cidr.ipv4(match) >= 0
                            || match.matches("[0-9./]+"))) {
                Range r = range(match, asset);
                if (r == null) {
                    problems.add(
                            "line " + n + ": '" + match + "' is not an IPv4 address or CIDR range");
                    continue;
                }
                ranges.add(r);
            } else if (match.startsWith("*.")) {
                String suffix = match.substring(1);
                if (!suffix.matches("(\\.[a-z0-9-]+)+")) {
                    problems.add("line " + n + ": '" + match + "' is not a valid domain wildcard");
                    continue;
                }
                suffixes.add(Map.entry(suffix, asset));
            } else if (match.matches(
                    "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
                hosts.put(match, asset);
            } else {
                problems.add(
                        "line "
                                + n
                                + ": '"
                                + match
                                + "' is neither an address, a range nor a host name");
                continue;
            }
            count++;
        }
        if (!header && problems.isEmpty()) {
            problems.add("no header line '" + HEADER + "'");
        }
        if (!problems.isEmpty()) {
            throw new InvalidInventoryException(source, problems);
        }
        ranges.sort(Comparator.comparingInt(Range::bits).reversed());
        suffixes.sort(
                Comparator.comparingInt((Map.Entry<String, Asset> x) -> x.getKey().length())
                        .reversed());
        return new Snapshot(Map.copyOf(hosts), List.copyOf(suffixes), List.copyOf(ranges), count);
    }

    private static Range range(String s, Asset asset) {
        int slash = s.indexOf('/');
        long net = Cidr.ipv4(slash < 0 ? s : s.substring(0, slash));
        if (net < 0) {
            return null;
        }
        int bits;
        try {
            bits = slash < 0 ? 32 : Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (bits < 0 || bits > 32) {
            return null;
        }
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        if ((net & mask) != net) {
            // 10.12.1.5/16 is a typo more often than an intent: make the admin say 10.12.0.0/16.
            return null;
        }
        return new Range(net, mask, bits, asset);
    }

    /** One CSV line: commas separate, double quotes quote, {@code ""} is a quote inside quotes. */
    public static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote");
        }
        out.add(cur.toString());
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
