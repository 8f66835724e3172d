package org.socengine.rules.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EPCompiledManifest;
import com.espertech.esper.compiler.client.EPCompiler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.socengine.model.SecurityEvent;

/**
 * Esper byte code of rules compiled before, on disk, so that a second run of the same rules does
 * not compile them again (compilation is most of the start-up of {@code ./soc detect}).
 *
 * <p>An entry is keyed by a SHA-256 of everything the byte code depends on: the EPL as compiled,
 * the build of the engine, Esper and the event model (their jars' or class folders' identity), and
 * the compiler configuration's names (streams, functions). The sandbox is not in the key because it
 * is not skipped: {@link RuleCompiler} checks every rule before it asks the cache, and only the
 * byte code generation of an accepted rule is saved.
 *
 * <p>Loaded byte code runs without the compile-time sandbox, so whoever can write an entry can run
 * code in the engine. The cache therefore trusts only a directory and files that the current user
 * owns and that no one else can write (created 0700 and 0600), never follows a symbolic link, and
 * checks each entry's SHA-256 and key before using it. Anything else, and any entry that is
 * corrupt, truncated or unreadable, is a miss: the rule is compiled as if there were no cache, with
 * one warning on stderr for an unsafe directory or file.
 */
public final class CompiledRuleCache {

    private static final byte[] MAGIC = "SOCRULE1".getBytes(StandardCharsets.US_ASCII);
    private static final String SUFFIX = ".rule";
    private static final int MAX_ENTRY_BYTES = 64 << 20;
    private static final Set<PosixFilePermission> OTHERS_WRITE =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private final Path directory;
    private final Consumer<String> warnings;
    private final byte[] buildIdentity;
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile Boolean directorySafe;
    private final java.util.concurrent.atomic.AtomicInteger hits =
            new java.util.concurrent.atomic.AtomicInteger();

    public CompiledRuleCache(Path directory, Consumer<String> warnings) {
        this.directory = directory;
        this.warnings = warnings;
        this.buildIdentity = buildIdentity();
    }

    /** {@code $XDG_CACHE_HOME/soc/rules}, else {@code ~/.cache/soc/rules}. */
    public static Path defaultDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base =
                xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                        ? Path.of(xdg)
                        : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("soc").resolve("rules");
    }

    public Path directory() {
        return directory;
    }

    /** How many rules this cache served. */
    public int hits() {
        return hits.get();
    }

    /** The key of a rule's EPL: a SHA-256 over the EPL and the build that compiles it. */
    String key(String epl) {
        MessageDigest d = sha256();
        d.update(buildIdentity);
        d.update(epl.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest());
    }

    /**
     * The byte code saved under the key, or null (absent, unsafe, corrupt, or not for this key).
     */
    EPCompiled get(String key) {
        if (!safeDirectory()) {
            return null;
        }
        Path file = directory.resolve(key + SUFFIX);
        try {
            PosixFileAttributes a =
                    Files.readAttributes(
                            file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile() || !ownedByMe(file) || writableByOthers(a)) {
                warnOnce(
                        "ignoring "
                                + file
                                + ": not a regular file of this user that only it can write;"
                                + " compiling instead");
                return null;
            }
            if (a.size() > MAX_ENTRY_BYTES) {
                return null;
            }
            byte[] bytes;
            try (InputStream in =
                    Files.newInputStream(
                            file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes(MAX_ENTRY_BYTES + 1);
            }
            EPCompiled compiled = decode(bytes, key);
            if (compiled != null) {
                hits.incrementAndGet();
            }
            return compiled;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Saves the byte code under the key; a cache that cannot be written is only a slower start. */
    void put(String key, EPCompiled compiled) {
        if (!safeDirectory()) {
            return;
        }
        Path tmp = null;
        try {
            byte[] bytes = encode(key, compiled);
            tmp =
                    Files.createTempFile(
                            directory,
                            key,
                            ".tmp",
                            PosixFilePermissions.asFileAttribute(
                                    PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, bytes);
            try {
                Files.move(
                        tmp,
                        directory.resolve(key + SUFFIX),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(
                        tmp, directory.resolve(key + SUFFIX), StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | RuntimeException e) {
            warnOnce("cannot write to " + directory + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file is never read: it has no .rule name
                }
            }
        }
    }

    /**
     * Creates the directory (0700) if missing, and says whether it is safe to use. Checked once.
     */
    private boolean safeDirectory() {
        Boolean safe = directorySafe;
        if (safe == null) {
            synchronized (this) {
                safe = directorySafe;
                if (safe == null) {
                    safe = checkDirectory();
                    directorySafe = safe;
                }
            }
        }
        return safe;
    }

    private boolean checkDirectory() {
        try {
            if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
                Path parent = directory.getParent();
                if (parent != null) {
                    Files.createDirectories(
                            parent,
                            PosixFilePermissions.asFileAttribute(
                                    PosixFilePermissions.fromString("rwx------")));
                }
                try {
                    Files.createDirectory(
                            directory,
                            PosixFilePermissions.asFileAttribute(
                                    PosixFilePermissions.fromString("rwx------")));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another process made it: checked below like any existing directory
                }
            }
            if (Files.getFileAttributeView(
                            directory, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    == null) {
                warnOnce(directory + " is not on a POSIX file system; compiling every rule");
                return false;
            }
            PosixFileAttributes a =
                    Files.readAttributes(
                            directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isDirectory() || !ownedByMe(directory) || writableByOthers(a)) {
                warnOnce(
                        "ignoring "
                                + directory
                                + ": not a directory of this user that only it can write;"
                                + " compiling every rule");
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            warnOnce("cannot use " + directory + " (" + e.getMessage() + "); compiling every rule");
            return false;
        }
    }

    private static boolean writableByOthers(PosixFileAttributes a) {
        for (PosixFilePermission p : a.permissions()) {
            if (OTHERS_WRITE.contains(p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean ownedByMe(Path path) throws IOException {
        Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return uid instanceof Integer u && u == CurrentUser.UID;
    }

    private void warnOnce(String message) {
        if (warned.compareAndSet(false, true)) {
            warnings.accept(message);
        }
    }

    /** MAGIC, SHA-256 of the payload, payload length, payload (key, manifest, classes). */
    static byte[] encode(String key, EPCompiled compiled) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(payload)) {
            out.writeUTF(key);
            compiled.getManifest().write(out);
            Map<String, byte[]> classes = new TreeMap<>(compiled.getClasses());
            out.writeInt(classes.size());
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.writeUTF(c.getKey());
                out.writeInt(c.getValue().length);
                out.write(c.getValue());
            }
        }
        byte[] p = payload.toByteArray();
        ByteArrayOutputStream file = new ByteArrayOutputStream(p.length + 64);
        try (DataOutputStream out = new DataOutputStream(file)) {
            out.write(MAGIC);
            out.write(sha256().digest(p));
            out.writeInt(p.length);
            out.write(p);
        }
        return file.toByteArray();
    }

    /** The entry's byte code, or null unless it is whole, unaltered and saved under this key. */
    static EPCompiled decode(byte[] bytes, String key) throws IOException {
        int header = MAGIC.length + 32 + 4;
        if (bytes.length < header
                || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        byte[] hash = Arrays.copyOfRange(bytes, MAGIC.length, MAGIC.length + 32);
        int length =
                ((bytes[header - 4] & 0xff) << 24)
                        | ((bytes[header - 3] & 0xff) << 16)
                        | ((bytes[header - 2] & 0xff) << 8)
                        | (bytes[header - 1] & 0xff);
        if (length != bytes.length - header) {
            return null;
        }
        MessageDigest d = sha256();
        d.update(bytes, header, length);
        if (!MessageDigest.isEqual(hash, d.digest())) {
            return null;
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, header, length));
        if (!key.equals(in.readUTF())) {
            return null;
        }
        EPCompiledManifest manifest = EPCompiledManifest.read(in);
        int count = in.readInt();
        if (count < 0 || count > length) {
            return null;
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int size = in.readInt();
            if (size < 0 || size > in.available()) {
                return null;
            }
            byte[] code = new byte[size];
            in.readFully(code);
            classes.put(name, code);
        }
        if (in.available() != 0) {
            return null;
        }
        return new EPCompiled(classes, manifest);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    /**
     * What makes the byte code of one EPL differ between builds: the cache format, the jars (or
     * class folders) of Esper's compiler, the engine and the event model, and the names the
     * configuration gives rules (streams, functions).
     */
    private static byte[] buildIdentity() {
        StringBuilder b = new StringBuilder("soc-compiled-rule-cache/1\n");
        for (Class<?> c : List.of(EPCompiler.class, EsperSetup.class, SecurityEvent.class)) {
            b.append(codeIdentity(c)).append('\n');
        }
        b.append(EventStreams.STREAMS.keySet()).append('\n');
        b.append(new TreeMap<>(RuleFunctions.FUNCTIONS)).append('\n');
        b.append(EsperSetup.MAX_PATTERN_SUBEXPRESSIONS)
                .append(' ')
                .append(EsperSetup.MAX_MATCH_RECOGNIZE_STATES)
                .append('\n');
        return sha256().digest(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A jar by path, size and modification time; a class folder by the same of every file in it. A
     * class whose origin is unknown makes every run's identity unique: nothing is ever reused.
     */
    private static String codeIdentity(Class<?> c) {
        try {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return "unknown " + System.nanoTime() + " " + Math.random();
            }
            Path p = Path.of(source.getLocation().toURI());
            if (Files.isRegularFile(p)) {
                return p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis();
            }
            List<String> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(p)) {
                walk.filter(Files::isRegularFile)
                        .forEach(
                                f -> {
                                    try {
                                        files.add(
                                                p.relativize(f)
                                                        + " "
                                                        + Files.size(f)
                                                        + " "
                                                        + Files.getLastModifiedTime(f).toMillis());
                                    } catch (IOException e) {
                                        files.add(f + " unreadable " + System.nanoTime());
                                    }
                                });
            }
            files.sort(null);
            return p + " " + String.join(",", files);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return "unknown " + System.nanoTime() + " " + Math.random();
        }
    }

    /** The user id of this process, for the ownership checks. */
    private static final class CurrentUser {
        static final long UID = uid();

        private static long uid() {
            try {
                return new com.sun.security.auth.module.UnixSystem().getUid();
            } catch (RuntimeException | LinkageError e) {
                return -1;
            }
        }
    }
}
