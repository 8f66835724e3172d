package org.socengine.jobs.detection;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The events a detector must replay after a restore to rebuild its rules' windows: each one kept
 * for the longest window of the families that read it, serialized, in segments of about 64 KB.
 *
 * <p>Segments, not one array per event: at a million events in the horizon, per-event arrays were a
 * million objects for the collector to trace and a million list elements for every checkpoint to
 * walk; a checkpoint now writes a few thousand arrays as they are. A segment is dropped once its
 * newest event is past the horizon, so an event may be kept up to one segment longer than needed;
 * the replay skips what is past a family's horizon.
 *
 * <p>Sealed segments are LZ4-compressed: the horizon is the longest-lived thing a detector holds
 * (the library's beaconing rule keeps two hours of every outbound flow), and events of one source
 * side by side compress several times over for about a second of CPU per million events. A
 * segment's first byte says how it is stored, so checkpoints carry either form.
 *
 * <p>A sealed segment never changes, so a checkpoint writes it once to a file ({@link
 * HorizonFiles}) and later ones carry only where it is; the open segment goes into each checkpoint
 * as bytes.
 */
final class RestoreHorizon {

    private static final int SEGMENT_BYTES = 64 * 1024;
    private static final byte RAW = 0;
    private static final byte LZ4 = 1;

    /** Horizon segments whose events carry their evaluation order and time (see {@link Kept}). */
    private static final byte KEPT_RAW = 2;

    private static final byte KEPT_LZ4 = 3;
    private static final LZ4Factory LZ4_FACTORY = LZ4Factory.fastestInstance();

    private final LZ4Compressor compressor = LZ4_FACTORY.fastCompressor();
    private final LZ4FastDecompressor decompressor = LZ4_FACTORY.fastDecompressor();

    private final RoutedSerializer serializer = new RoutedSerializer();
    private final TreeMap<Long, Bucket> buckets = new TreeMap<>();

    /** Events kept for one horizon length, oldest segment first. */
    private static final class Bucket {
        final ArrayDeque<Segment> sealed = new ArrayDeque<>();
        final DataOutputSerializer open = new DataOutputSerializer(SEGMENT_BYTES + 4096);
        long openNewest = Long.MIN_VALUE;
        long openFirst;
        int openCount;

        /** The sequence of the oldest event still kept here; none is kept if above the newest. */
        long firstKept() {
            return !sealed.isEmpty()
                    ? sealed.peekFirst().firstSequence
                    : openCount > 0 ? openFirst : Long.MAX_VALUE;
        }
    }

    /**
     * A sealed segment, immutable; {@code stored} is where a checkpoint wrote it, or null while no
     * checkpoint has (see {@link HorizonFiles}).
     */
    static final class Segment {
        private final long newest;
        private final int count;
        private final byte[] bytes;
        private final long firstSequence;
        private HorizonFileRef stored;

        Segment(long newest, int count, byte[] bytes, long firstSequence) {
            this.firstSequence = firstSequence;
            this.newest = newest;
            this.count = count;
            this.bytes = bytes;
        }

        long newest() {
            return newest;
        }

        int count() {
            return count;
        }

        byte[] bytes() {
            return bytes;
        }

        HorizonFileRef stored() {
            return stored;
        }

        void stored(HorizonFileRef ref) {
            stored = ref;
        }
    }

    /**
     * An event as the engines got it: its place in the order of evaluation, and the engines' time
     * when they got it. A late event entered its windows at the engines' time, not at its own, and
     * stayed until that time plus the window; a replay in the order of the events' own times put it
     * into the windows earlier and let it expire earlier, and the restored detector then counted
     * other events than the one that never stopped (alerts short by one, or a window that began at
     * another event). The replay follows {@code sequence} and moves the engines to {@code
     * evaluatedAt} first, so that every event is evaluated as it was.
     *
     * @param sequence order of evaluation; -1 for events of a checkpoint older than this record,
     *     which replay in the order of their own times
     */
    record Kept(long sequence, long evaluatedAt, Routed routed) {}

    private long nextSequence;

    /**
     * Keeps a routed event, evaluated at {@code evaluatedAt}, for {@code horizonMillis}.
     *
     * @return its sequence number
     */
    long add(long horizonMillis, Routed r, long evaluatedAt) {
        Bucket b = buckets.computeIfAbsent(horizonMillis, h -> new Bucket());
        long sequence = nextSequence++;
        if (b.openCount == 0) {
            b.openFirst = sequence;
        }
        try {
            b.open.writeLong(sequence);
            b.open.writeLong(evaluatedAt);
            if (r.serialized != null) {
                b.open.write(r.serialized);
            } else {
                serializer.serialize(r, b.open);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a routed event", e);
        }
        b.openNewest = Math.max(b.openNewest, evaluatedAt);
        b.openCount++;
        if (b.open.length() >= SEGMENT_BYTES) {
            b.sealed.addLast(
                    new Segment(b.openNewest, b.openCount, seal(b.open, true), b.openFirst));
            b.open.clear();
            b.openNewest = Long.MIN_VALUE;
            b.openCount = 0;
        }
        return sequence;
    }

    /**
     * Whether the event {@link #add} numbered {@code sequence} for {@code horizonMillis} is still
     * kept: the buckets drop their oldest segments first, and number their events in order.
     */
    boolean keeps(long horizonMillis, long sequence) {
        Bucket b = buckets.get(horizonMillis);
        return b != null && sequence >= b.firstKept();
    }

    /** A sequence number for an event kept elsewhere (a {@link KeyedHorizon} slot) only. */
    long nextSequence() {
        return nextSequence++;
    }

    /**
     * Events kept elsewhere with their sequence and time (a {@link KeyedHorizon}'s), as segments of
     * the horizon's own format: a restore reads them with the others.
     */
    List<byte[]> packKept(List<Kept> events) {
        return packed(
                events,
                true,
                (k, out) -> {
                    out.writeLong(k.sequence());
                    out.writeLong(k.evaluatedAt());
                    serializer.serialize(k.routed(), out);
                });
    }

    /** Drops what every family is done with at event time {@code now}. */
    void prune(long now) {
        for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
            Bucket b = e.getValue();
            long oldest = now == Long.MAX_VALUE ? Long.MAX_VALUE : now - e.getKey();
            while (!b.sealed.isEmpty() && b.sealed.peekFirst().newest() < oldest) {
                b.sealed.pollFirst();
            }
            if (b.sealed.isEmpty() && b.openCount > 0 && b.openNewest < oldest) {
                b.open.clear();
                b.openNewest = Long.MIN_VALUE;
                b.openCount = 0;
            }
        }
        buckets.values().removeIf(b -> b.sealed.isEmpty() && b.openCount == 0);
    }

    /** The segments as they go into a checkpoint or savepoint: every one as bytes. */
    List<byte[]> segments() {
        return segments(false);
    }

    /**
     * The segments as they go into a checkpoint: with {@code byReference}, those a checkpoint wrote
     * to a file as their {@link HorizonFileRef}, the others (the open one always) as bytes.
     */
    List<byte[]> segments(boolean byReference) {
        List<byte[]> out = new ArrayList<>();
        for (Bucket b : buckets.values()) {
            for (Segment s : b.sealed) {
                out.add(byReference && s.stored() != null ? s.stored().encode() : s.bytes());
            }
            if (b.openCount > 0) {
                out.add(seal(b.open, true));
            }
        }
        return out;
    }

    /** Sealed segments no checkpoint wrote to a file yet. */
    List<Segment> unstored() {
        List<Segment> out = new ArrayList<>();
        for (Bucket b : buckets.values()) {
            for (Segment s : b.sealed) {
                if (s.stored() == null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** Where the sealed segments that are in files are. */
    List<HorizonFileRef> stored() {
        List<HorizonFileRef> out = new ArrayList<>();
        for (Bucket b : buckets.values()) {
            for (Segment s : b.sealed) {
                if (s.stored() != null) {
                    out.add(s.stored());
                }
            }
        }
        return out;
    }

    /**
     * Other routed events (those waiting for the watermark) packed into segments the same way, so
     * that a checkpoint writes them as a few arrays instead of field by field.
     */
    List<byte[]> pack(Iterable<Routed> records) {
        return packed(records, false, (r, out) -> out.write(serialized(r)));
    }

    /** How one item goes into a segment. */
    private interface SegmentWriter<T> {
        void write(T item, DataOutputSerializer out) throws IOException;
    }

    /** Items written one after the other into segments of about {@link #SEGMENT_BYTES}. */
    private <T> List<byte[]> packed(Iterable<T> items, boolean kept, SegmentWriter<T> writer) {
        List<byte[]> out = new ArrayList<>();
        DataOutputSerializer buffer = new DataOutputSerializer(SEGMENT_BYTES + 4096);
        try {
            for (T item : items) {
                writer.write(item, buffer);
                if (buffer.length() >= SEGMENT_BYTES) {
                    out.add(seal(buffer, kept));
                    buffer.clear();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a routed event", e);
        }
        if (buffer.length() > 0) {
            out.add(seal(buffer, kept));
        }
        return out;
    }

    /**
     * The record's bytes, kept with it: an event waits for the watermark across several checkpoints
     * (up to the reading pace's minute of drift), then enters the horizon, and each of them
     * serialized it again.
     */
    private byte[] serialized(Routed r) throws IOException {
        if (r.serialized == null) {
            scratch.clear();
            serializer.serialize(r, scratch);
            r.serialized = scratch.getCopyOfBuffer();
        }
        return r.serialized;
    }

    private final DataOutputSerializer scratch = new DataOutputSerializer(1024);

    /** The buffer's events as a stored segment: LZ4 with the raw length, or raw if no smaller. */
    private byte[] seal(DataOutputSerializer buffer, boolean kept) {
        int rawLength = buffer.length();
        byte[] raw = buffer.getSharedBuffer();
        byte[] packed = new byte[5 + compressor.maxCompressedLength(rawLength)];
        int n = compressor.compress(raw, 0, rawLength, packed, 5, packed.length - 5);
        if (n + 5 >= rawLength + 1) {
            byte[] out = new byte[rawLength + 1];
            out[0] = kept ? KEPT_RAW : RAW;
            System.arraycopy(raw, 0, out, 1, rawLength);
            return out;
        }
        packed[0] = kept ? KEPT_LZ4 : LZ4;
        packed[1] = (byte) (rawLength >>> 24);
        packed[2] = (byte) (rawLength >>> 16);
        packed[3] = (byte) (rawLength >>> 8);
        packed[4] = (byte) rawLength;
        return java.util.Arrays.copyOf(packed, n + 5);
    }

    /** The events of a stored segment as input: raw ones in place, LZ4 ones decompressed. */
    private DataInputDeserializer open(byte[] segment) {
        if (segment.length == 0) {
            return new DataInputDeserializer(segment);
        }
        if (segment[0] == RAW || segment[0] == KEPT_RAW) {
            return new DataInputDeserializer(segment, 1, segment.length - 1);
        }
        if ((segment[0] != LZ4 && segment[0] != KEPT_LZ4) || segment.length < 5) {
            throw new IllegalStateException("unknown horizon segment format " + segment[0]);
        }
        int rawLength =
                ((segment[1] & 0xff) << 24)
                        | ((segment[2] & 0xff) << 16)
                        | ((segment[3] & 0xff) << 8)
                        | (segment[4] & 0xff);
        byte[] raw = new byte[rawLength];
        decompressor.decompress(segment, 5, raw, 0, rawLength);
        return new DataInputDeserializer(raw);
    }

    /** The routed events of one checkpointed segment, in the order they were added. */
    void forEachIn(byte[] segment, Consumer<Routed> action) {
        forEachKept(segment, k -> action.accept(k.routed()));
    }

    /**
     * The events of one checkpointed segment with their evaluation order and time; events of a
     * segment without them (pending events, older checkpoints) have sequence -1 and their own time.
     * Later {@link #add} calls continue after the largest sequence read.
     */
    void forEachKept(byte[] segment, Consumer<Kept> action) {
        boolean kept = segment.length > 0 && (segment[0] == KEPT_RAW || segment[0] == KEPT_LZ4);
        DataInputDeserializer in = open(segment);
        try {
            while (in.available() > 0) {
                if (kept) {
                    long sequence = in.readLong();
                    long evaluatedAt = in.readLong();
                    nextSequence = Math.max(nextSequence, sequence + 1);
                    action.accept(new Kept(sequence, evaluatedAt, serializer.deserialize(in)));
                } else {
                    Routed r = serializer.deserialize(in);
                    action.accept(new Kept(-1, r.event.timestamp, r));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read a horizon segment", e);
        }
    }

    int size() {
        int n = 0;
        for (Bucket b : buckets.values()) {
            n += b.openCount;
            for (Segment s : b.sealed) {
                n += s.count();
            }
        }
        return n;
    }
}
