package org.socengine.cli;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.streaming.api.functions.source.legacy.SourceFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.socengine.connectors.decode.RecordDecoder;
import org.socengine.connectors.decode.core.RawRecord;

/**
 * The raw records of {@code ./soc detect}'s files, read as the job consumes them: memory holds one
 * buffer and one line per file, whatever the files' size. Several files are merged in event time,
 * each keeping its own order: a k-way merge on each file's next line, whose time the job's decoder
 * tells (a line it cannot decode goes at the time of its file's previous line, at once). Read
 * whole, one after the other, the second file's events all came behind the watermark of the first
 * and lost their windows.
 *
 * <p>A legacy source function: one reader thread, no splits to plan, and the files are opened where
 * the job runs, which for {@code ./soc detect} is this process. The lines read so far are published
 * under {@link #linesRead(String)} for the progress line.
 */
final class LogFileReplay implements SourceFunction<RawRecord> {

    private static final long serialVersionUID = 1L;

    private static final Map<String, AtomicLong> PROGRESS = new ConcurrentHashMap<>();

    /** One file (or {@code -}, standard input) of one source. */
    record Input(String source, String file, DecodingOptions.RecordTemplate template, long modified)
            implements Serializable {}

    private final List<Input> inputs;
    private final RecordDecoder timeDecoder;
    private final int maxLineBytes;
    private final String runId;
    private volatile boolean running = true;

    /**
     * @param timeDecoder decodes a line for its time in the merge; null when there is one input
     *     (nothing to merge, and no line is decoded twice)
     * @param maxLineBytes the most bytes kept of a line (the record size limit plus one, so that an
     *     oversized line is still known as one)
     * @param runId under which the lines read are published
     */
    LogFileReplay(List<Input> inputs, RecordDecoder timeDecoder, int maxLineBytes, String runId) {
        this.inputs = List.copyOf(inputs);
        this.timeDecoder = inputs.size() > 1 ? timeDecoder : null;
        this.maxLineBytes = maxLineBytes;
        this.runId = runId;
    }

    /** Lines read so far by the replay of that run (0 before it starts). */
    static long linesRead(String runId) {
        AtomicLong n = PROGRESS.get(runId);
        return n == null ? 0 : n.get();
    }

    static void forget(String runId) {
        PROGRESS.remove(runId);
    }

    /** One file's next non-empty line as a record, and its place in the merge. */
    private final class Head {
        final int index;
        final Input input;
        final LineReader reader;
        long lineNumber;
        RawRecord record;
        long time = Long.MIN_VALUE;

        Head(int index, Input input) throws IOException {
            this.index = index;
            this.input = input;
            this.reader = LineReader.open(input.file(), maxLineBytes);
        }

        /** Reads the next line; false at the end of the file. */
        boolean advance() throws IOException {
            byte[] line;
            do {
                line = reader.next();
                if (line == null) {
                    record = null;
                    return false;
                }
                lineNumber++;
            } while (line.length == 0);
            record = input.template().of(input.source(), lineNumber, line);
            // Year-less timestamps are placed no later than the file was written.
            record.kafkaTimestamp = input.modified();
            if (timeDecoder != null) {
                RecordDecoder.Outcome o = timeDecoder.decode(record, input.modified());
                if (o.event() != null) {
                    time = o.event().timestamp;
                }
            }
            return true;
        }
    }

    @Override
    public void run(SourceContext<RawRecord> ctx) throws Exception {
        AtomicLong published = PROGRESS.computeIfAbsent(runId, k -> new AtomicLong());
        List<Head> heads = new ArrayList<>();
        try {
            for (int i = 0; i < inputs.size(); i++) {
                heads.add(new Head(i, inputs.get(i)));
            }
            PriorityQueue<Head> next =
                    new PriorityQueue<>(
                            Comparator.comparingLong((Head h) -> h.time)
                                    .thenComparingInt(h -> h.index));
            for (Head h : heads) {
                if (h.advance()) {
                    next.add(h);
                }
            }
            long lines = 0;
            Object lock = ctx.getCheckpointLock();
            while (running && !next.isEmpty()) {
                Head h = next.poll();
                synchronized (lock) {
                    ctx.collect(h.record);
                }
                if (++lines % 1024 == 0) {
                    published.set(lines);
                }
                if (h.advance()) {
                    next.add(h);
                }
            }
            published.set(lines);
            if (running) {
                synchronized (lock) {
                    ctx.emitWatermark(Watermark.MAX_WATERMARK);
                }
            }
        } finally {
            for (Head h : heads) {
                try {
                    h.reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    @Override
    public void cancel() {
        running = false;
    }
}
