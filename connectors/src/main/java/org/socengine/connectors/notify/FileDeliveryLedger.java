package org.socengine.connectors.notify;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.socengine.model.NotificationOutcome;

/**
 * A {@link DeliveryLedger} in a folder on a local or shared disk, for single-machine runs (the
 * demo, ./soc run) and tests: each session appends NDJSON lines to a file of its own and forces
 * them to disk before {@link Session#record} returns; opening reads every file of the folder. A
 * line cut short by a crash is skipped.
 */
public final class FileDeliveryLedger implements DeliveryLedger {

    private final String folder;

    public FileDeliveryLedger(Path folder) {
        this.folder = folder.toAbsolutePath().toString();
    }

    @Override
    public Session open() throws IOException {
        Path dir = Path.of(folder);
        Files.createDirectories(dir);
        Map<String, NotificationOutcome> known = new ConcurrentHashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "ledger-*.ndjson")) {
            for (Path f : files) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    try {
                        NotificationOutcome o = NotificationOutcome.fromJson(line);
                        if (o.idempotencyKey != null) {
                            known.put(o.idempotencyKey, o);
                        }
                    } catch (IOException torn) {
                        // The last line of a writer that died mid-write.
                    }
                }
            }
        }
        FileChannel out =
                FileChannel.open(
                        dir.resolve("ledger-" + UUID.randomUUID() + ".ndjson"),
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
        return new Session() {
            @Override
            public NotificationOutcome find(String idempotencyKey) {
                return known.get(idempotencyKey);
            }

            @Override
            public synchronized void record(NotificationOutcome delivered) throws IOException {
                byte[] line = (delivered.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                out.force(false);
                known.put(delivered.idempotencyKey, delivered);
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    @Override
    public String toString() {
        return "FileDeliveryLedger{" + folder + "}";
    }
}
