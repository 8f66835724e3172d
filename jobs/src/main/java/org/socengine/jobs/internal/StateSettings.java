package org.socengine.jobs.internal;

import java.nio.file.Path;
import java.util.Locale;
import org.socengine.connectors.config.SocConfig;

/**
 * Where and how a job keeps its state: the state backend ({@code rocksdb} in production, {@code
 * hashmap} for tests and the demo), incremental checkpoints, and the folders (or object-store URIs)
 * of the checkpoints, which are kept when the job is cancelled, and of the savepoints.
 *
 * @param backend {@code rocksdb} or {@code hashmap}
 * @param incremental RocksDB checkpoints hold what changed since the last one
 * @param checkpoints URI of the checkpoint folder
 * @param savepoints URI of the savepoint folder
 * @param retained completed checkpoints kept per job
 */
public record StateSettings(
        String backend, boolean incremental, String checkpoints, String savepoints, int retained) {

    public static final String ROCKSDB = "rocksdb";
    public static final String HASHMAP = "hashmap";

    /** The heap backend with checkpoints in a local folder: the demo, the tests, the replays. */
    public static StateSettings heap(Path checkpoints) {
        return new StateSettings(
                HASHMAP,
                false,
                uri(checkpoints.toString()),
                uri(checkpoints.resolveSibling("savepoints").toString()),
                1);
    }

    /**
     * The {@code state.*} keys of a configuration; folders not given go under {@code workDir}.
     *
     * @throws IllegalArgumentException naming the key whose value is wrong
     */
    public static StateSettings from(SocConfig cfg, Path workDir) {
        String backend =
                cfg.has("state.backend")
                        ? cfg.get("state.backend").trim().toLowerCase(Locale.ROOT)
                        : ROCKSDB;
        if (!backend.equals(ROCKSDB) && !backend.equals(HASHMAP)) {
            throw new IllegalArgumentException(
                    "state.backend: not one of rocksdb, hashmap: '" + backend + "'");
        }
        boolean incremental =
                !cfg.has("state.incremental")
                        || Boolean.parseBoolean(cfg.get("state.incremental").trim());
        String checkpoints =
                cfg.has("state.checkpoints_dir")
                        ? cfg.get("state.checkpoints_dir")
                        : workDir.resolve("checkpoints").toString();
        String savepoints =
                cfg.has("state.savepoints_dir")
                        ? cfg.get("state.savepoints_dir")
                        : workDir.resolve("savepoints").toString();
        int retained = cfg.positive("state.retained_checkpoints", "state.retained_checkpoints", 3);
        return new StateSettings(backend, incremental, uri(checkpoints), uri(savepoints), retained);
    }

    /** A local path as a {@code file:} URI; a URI as it is. */
    public static String uri(String location) {
        if (location.contains("://") || location.startsWith("file:")) {
            return location;
        }
        return Path.of(location).toAbsolutePath().normalize().toUri().toString();
    }

    @Override
    public String toString() {
        return "state="
                + backend
                + (backend.equals(ROCKSDB) && incremental ? " (incremental)" : "")
                + " checkpoints="
                + checkpoints
                + " savepoints="
                + savepoints;
    }
}
