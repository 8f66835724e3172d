package org.socengine.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The working directory of the local services, reachable by the unprivileged user Elasticsearch
 * runs as.
 */
public final class WorkDirs {

    private WorkDirs() {}

    /**
     * {@code soc.work.dir}, {@code SOC_WORK_DIR}, or a folder under the system temporary directory.
     */
    public static Path defaultWorkDir() {
        String p = System.getProperty("soc.work.dir");
        if (p == null || p.isBlank()) {
            p = System.getenv("SOC_WORK_DIR");
        }
        if (p == null || p.isBlank()) {
            p = Path.of(System.getProperty("java.io.tmpdir"), "soc-engine").toString();
        }
        return Path.of(p).toAbsolutePath();
    }

    /** Creates the directory and lets others traverse (not list or write) it. */
    public static Path ensure(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            Files.setPosixFilePermissions(dir, perms);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: nothing to do.
        }
        return dir;
    }

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
