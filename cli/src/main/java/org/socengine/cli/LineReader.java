package org.socengine.cli;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The lines of a log file as bytes, read as they are needed: a file of any size costs one buffer. A
 * gzip file (known by its magic bytes, not its name: rotated logs are often {@code auth.log.1}
 * compressed) is read through its decompression. A line keeps at most {@code maxLineBytes} bytes:
 * what a longer line would be dead-lettered for, its size, it still is, and a file without a line
 * break cannot fill the heap.
 */
final class LineReader implements Closeable {

    private static final int BUFFER = 1 << 16;

    private final InputStream in;
    private final boolean standardInput;
    private final int maxLineBytes;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private boolean eof;
    private byte[] line = new byte[256];
    private long bytesRead;

    LineReader(InputStream in, int maxLineBytes) {
        this(in, maxLineBytes, false);
    }

    private LineReader(InputStream in, int maxLineBytes, boolean standardInput) {
        this.in = in;
        this.standardInput = standardInput;
        this.maxLineBytes = maxLineBytes;
    }

    /** Opens a file, or standard input for {@code -}, decompressing it when it is gzip. */
    static LineReader open(String file, int maxLineBytes) throws IOException {
        boolean stdin = "-".equals(file);
        InputStream raw = stdin ? System.in : Files.newInputStream(Path.of(file));
        return new LineReader(decompressed(raw), maxLineBytes, stdin);
    }

    static InputStream decompressed(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new GZIPInputStream(in, BUFFER);
        }
        return in;
    }

    /** Bytes read so far (decompressed). */
    long bytesRead() {
        return bytesRead;
    }

    /**
     * The next line without its line break ({@code \n} or {@code \r\n}), or null at the end. A last
     * line without a break is a line.
     */
    byte[] next() throws IOException {
        int len = 0;
        boolean any = false;
        while (true) {
            if (pos == lim) {
                if (eof || !fill()) {
                    return any ? trimmed(len) : null;
                }
            }
            any = true;
            int start = pos;
            int nl = -1;
            for (int i = pos; i < lim; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            int end = nl < 0 ? lim : nl;
            int take = Math.min(end - start, maxLineBytes + 1 - len);
            if (take > 0) {
                if (len + take > line.length) {
                    line = Arrays.copyOf(line, Math.max(len + take, line.length * 2));
                }
                System.arraycopy(buf, start, line, len, take);
                len += take;
            }
            if (nl >= 0) {
                pos = nl + 1;
                return trimmed(len);
            }
            pos = lim;
        }
    }

    private byte[] trimmed(int len) {
        if (len > 0 && len <= maxLineBytes && line[len - 1] == '\r') {
            len--;
        }
        return Arrays.copyOf(line, len);
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = n < 0;
            if (n == 0) {
                // A stream that returns nothing without ending: read a byte to block for one.
                int b = in.read();
                if (b < 0) {
                    eof = true;
                    return false;
                }
                buf[0] = (byte) b;
                pos = 0;
                lim = 1;
                bytesRead++;
                return true;
            }
            return false;
        }
        pos = 0;
        lim = n;
        bytesRead += n;
        return true;
    }

    @Override
    public void close() throws IOException {
        if (!standardInput) {
            in.close();
        }
    }
}
