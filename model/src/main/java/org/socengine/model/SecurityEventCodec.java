package org.socengine.model;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.socengine.model.SecurityEvent.Dns;
import org.socengine.model.SecurityEvent.Endpoint;
import org.socengine.model.SecurityEvent.Enrichment;
import org.socengine.model.SecurityEvent.Event;
import org.socengine.model.SecurityEvent.File;
import org.socengine.model.SecurityEvent.Group;
import org.socengine.model.SecurityEvent.Host;
import org.socengine.model.SecurityEvent.Http;
import org.socengine.model.SecurityEvent.HttpRequest;
import org.socengine.model.SecurityEvent.HttpResponse;
import org.socengine.model.SecurityEvent.Indicator;
import org.socengine.model.SecurityEvent.Matched;
import org.socengine.model.SecurityEvent.Network;
import org.socengine.model.SecurityEvent.Observer;
import org.socengine.model.SecurityEvent.Organization;
import org.socengine.model.SecurityEvent.ParentProcess;
import org.socengine.model.SecurityEvent.Process;
import org.socengine.model.SecurityEvent.Question;
import org.socengine.model.SecurityEvent.Rule;
import org.socengine.model.SecurityEvent.Target;
import org.socengine.model.SecurityEvent.Threat;
import org.socengine.model.SecurityEvent.Url;
import org.socengine.model.SecurityEvent.User;
import org.socengine.model.SecurityEvent.UserAgent;

/**
 * The binary form of a {@link SecurityEvent} between Flink operators and in checkpointed state.
 *
 * <p>Why not Flink's POJO serializer: it gets and sets every field of the event and of each of its
 * nested objects by reflection and writes a null flag for each of them, while a decoded event has a
 * handful of its objects and a few fields in each. It was the top cost of the detection thread in
 * the profile. This codec is written out by hand, field by field, and writes only what is present:
 * an absent object or field costs one bit of a mask, not a byte and not a reflective call.
 *
 * <p>Why a format version in the first byte: checkpoints outlive builds. A build that changes the
 * format writes a new version and keeps reading the old ones; a build that meets a version it does
 * not know fails loudly instead of misreading the bytes.
 *
 * <p>Why strings are not {@link DataOutput#writeUTF}: it stops at 64 KB and {@code event.original}
 * may be a whole 10 MB line. Strings travel as UTF-8, which the JDK encodes and decodes on its fast
 * paths; the few that UTF-8 cannot carry (a lone surrogate, which {@link String#getBytes} would
 * turn into {@code ?}) travel as UTF-16, so every string reads back equal.
 *
 * <p>Why {@link #write} and {@link #read} take {@link DataOutput} and {@link DataInput}: Flink's
 * {@code DataOutputView} and {@code DataInputView} are those, so a {@code TypeSerializer} calls
 * them directly and this module stays free of Flink.
 */
public final class SecurityEventCodec {

    /**
     * The format {@link #write} writes. Version 1, in order:
     *
     * <pre>
     * byte     version (1)
     * long     timestamp
     * varint   mask of the present objects: bit 0 event, 1 organization, 2 observer, 3 source,
     *          4 destination, 5 network, 6 user, 7 host, 8 process, 9 dns, 10 url, 11 http,
     *          12 user_agent, 13 file, 14 group, 15 rule, 16 threat, 17 fields, 18 ingested
     * objects  each present one in bit order: a varint mask of its present fields (bit i for the
     *          i-th field its write method writes), then those fields in bit order
     * fields   varint count, then the key and value of each entry in iteration order
     * ingested varlong, when not 0 (bit 18 came later: data without it reads as before, and a
     *          build without it refuses data with it as unknown bits)
     *
     * string   varint h: 0 null; odd: h &gt;&gt;&gt; 1 UTF-8 bytes follow; even: (h &gt;&gt;&gt; 1) - 1
     *          UTF-16 chars follow (only for a string with a lone surrogate)
     * Integer  zigzag varint
     * Long     zigzag varlong
     * </pre>
     *
     * A present object without fields reads back as an empty object, not null; {@code fields} reads
     * back as a {@link LinkedHashMap} in the order written, null keys and values included.
     */
    static final int VERSION = 1;

    private static final int EVENT = 1;
    private static final int ORGANIZATION = 1 << 1;
    private static final int OBSERVER = 1 << 2;
    private static final int SOURCE = 1 << 3;
    private static final int DESTINATION = 1 << 4;
    private static final int NETWORK = 1 << 5;
    private static final int USER = 1 << 6;
    private static final int HOST = 1 << 7;
    private static final int PROCESS = 1 << 8;
    private static final int DNS = 1 << 9;
    private static final int URL = 1 << 10;
    private static final int HTTP = 1 << 11;
    private static final int USER_AGENT = 1 << 12;
    private static final int FILE = 1 << 13;
    private static final int GROUP = 1 << 14;
    private static final int RULE = 1 << 15;
    private static final int THREAT = 1 << 16;
    private static final int FIELDS = 1 << 17;
    private static final int INGESTED = 1 << 18;
    private static final int TOP_LEVEL_BITS = 19;

    /** Strings up to this many UTF-8 bytes are read through {@link #SCRATCH}. */
    private static final int SCRATCH_BYTES = 8192;

    /** Read buffer of each thread (Flink task threads); used only between read and decode. */
    private static final ThreadLocal<byte[]> SCRATCH =
            ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    /** Map capacity allocated up front at most, so a corrupt count cannot exhaust the heap. */
    private static final int MAX_PRESIZED_ENTRIES = 1 << 12;

    private SecurityEventCodec() {}

    /** Writes the event in the current {@link #VERSION}; {@link #read} reads it back equal. */
    public static void write(SecurityEvent e, DataOutput out) throws IOException {
        Objects.requireNonNull(e, "event");
        int m = 0;
        if (e.event != null) m |= EVENT;
        if (e.organization != null) m |= ORGANIZATION;
        if (e.observer != null) m |= OBSERVER;
        if (e.source != null) m |= SOURCE;
        if (e.destination != null) m |= DESTINATION;
        if (e.network != null) m |= NETWORK;
        if (e.user != null) m |= USER;
        if (e.host != null) m |= HOST;
        if (e.process != null) m |= PROCESS;
        if (e.dns != null) m |= DNS;
        if (e.url != null) m |= URL;
        if (e.http != null) m |= HTTP;
        if (e.user_agent != null) m |= USER_AGENT;
        if (e.file != null) m |= FILE;
        if (e.group != null) m |= GROUP;
        if (e.rule != null) m |= RULE;
        if (e.threat != null) m |= THREAT;
        if (e.fields != null) m |= FIELDS;
        if (e.ingested != 0) m |= INGESTED;

        out.writeByte(VERSION);
        out.writeLong(e.timestamp);
        writeVarInt(out, m);
        if ((m & EVENT) != 0) writeEvent(out, e.event);
        if ((m & ORGANIZATION) != 0) writeOrganization(out, e.organization);
        if ((m & OBSERVER) != 0) writeObserver(out, e.observer);
        if ((m & SOURCE) != 0) writeEndpoint(out, e.source);
        if ((m & DESTINATION) != 0) writeEndpoint(out, e.destination);
        if ((m & NETWORK) != 0) writeNetwork(out, e.network);
        if ((m & USER) != 0) writeUser(out, e.user);
        if ((m & HOST) != 0) writeHost(out, e.host);
        if ((m & PROCESS) != 0) writeProcess(out, e.process);
        if ((m & DNS) != 0) writeDns(out, e.dns);
        if ((m & URL) != 0) writeUrl(out, e.url);
        if ((m & HTTP) != 0) writeHttp(out, e.http);
        if ((m & USER_AGENT) != 0) writeUserAgent(out, e.user_agent);
        if ((m & FILE) != 0) writeFile(out, e.file);
        if ((m & GROUP) != 0) writeGroup(out, e.group);
        if ((m & RULE) != 0) writeRule(out, e.rule);
        if ((m & THREAT) != 0) writeThreat(out, e.threat);
        if ((m & FIELDS) != 0) writeFields(out, e.fields);
        if ((m & INGESTED) != 0) writeVarLong(out, e.ingested);
    }

    /**
     * Reads one event written by {@link #write}, and not a byte more.
     *
     * @throws IOException at the end of the input, on a format version this build does not know, or
     *     on bytes that cannot be an event
     */
    public static SecurityEvent read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException(
                    "Unknown SecurityEvent binary format version "
                            + version
                            + ": this build reads version "
                            + VERSION
                            + " only (data written by a newer build, or not an event at all)");
        }
        SecurityEvent e = new SecurityEvent();
        e.timestamp = in.readLong();
        int m = readMask(in, TOP_LEVEL_BITS, "event");
        if ((m & EVENT) != 0) e.event = readEvent(in);
        if ((m & ORGANIZATION) != 0) e.organization = readOrganization(in);
        if ((m & OBSERVER) != 0) e.observer = readObserver(in);
        if ((m & SOURCE) != 0) e.source = readEndpoint(in);
        if ((m & DESTINATION) != 0) e.destination = readEndpoint(in);
        if ((m & NETWORK) != 0) e.network = readNetwork(in);
        if ((m & USER) != 0) e.user = readUser(in);
        if ((m & HOST) != 0) e.host = readHost(in);
        if ((m & PROCESS) != 0) e.process = readProcess(in);
        if ((m & DNS) != 0) e.dns = readDns(in);
        if ((m & URL) != 0) e.url = readUrl(in);
        if ((m & HTTP) != 0) e.http = readHttp(in);
        if ((m & USER_AGENT) != 0) e.user_agent = readUserAgent(in);
        if ((m & FILE) != 0) e.file = readFile(in);
        if ((m & GROUP) != 0) e.group = readGroup(in);
        if ((m & RULE) != 0) e.rule = readRule(in);
        if ((m & THREAT) != 0) e.threat = readThreat(in);
        if ((m & FIELDS) != 0) e.fields = readFields(in);
        if ((m & INGESTED) != 0) e.ingested = readVarLong(in);
        return e;
    }

    /** {@link #write} into a new array. */
    public static byte[] toBytes(SecurityEvent e) {
        ByteSink sink = new ByteSink();
        try {
            write(e, new DataOutputStream(sink));
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return sink.toByteArray();
    }

    /**
     * {@link #read} from an array that holds exactly one event.
     *
     * @throws UncheckedIOException if the bytes are not one event of a known version
     */
    public static SecurityEvent fromBytes(byte[] bytes) {
        ByteSource source = new ByteSource(bytes);
        try {
            SecurityEvent e = read(new DataInputStream(source));
            if (source.available() != 0) {
                throw new IOException(
                        source.available() + " bytes left after the event of " + bytes.length);
            }
            return e;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    // ---- nested objects: bit i of each mask is the i-th field written ----

    private static void writeEvent(DataOutput out, Event x) throws IOException {
        int m = 0;
        if (x.kind != null) m |= 1;
        if (x.category != null) m |= 1 << 1;
        if (x.type != null) m |= 1 << 2;
        if (x.action != null) m |= 1 << 3;
        if (x.outcome != null) m |= 1 << 4;
        if (x.dataset != null) m |= 1 << 5;
        if (x.module != null) m |= 1 << 6;
        if (x.code != null) m |= 1 << 7;
        if (x.provider != null) m |= 1 << 8;
        if (x.severity != null) m |= 1 << 9;
        if (x.original != null) m |= 1 << 10;
        if (x.id != null) m |= 1 << 11;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.kind);
        if ((m & 1 << 1) != 0) writeString(out, x.category);
        if ((m & 1 << 2) != 0) writeString(out, x.type);
        if ((m & 1 << 3) != 0) writeString(out, x.action);
        if ((m & 1 << 4) != 0) writeString(out, x.outcome);
        if ((m & 1 << 5) != 0) writeString(out, x.dataset);
        if ((m & 1 << 6) != 0) writeString(out, x.module);
        if ((m & 1 << 7) != 0) writeString(out, x.code);
        if ((m & 1 << 8) != 0) writeString(out, x.provider);
        if ((m & 1 << 9) != 0) writeInteger(out, x.severity);
        if ((m & 1 << 10) != 0) writeString(out, x.original);
        if ((m & 1 << 11) != 0) writeString(out, x.id);
    }

    private static Event readEvent(DataInput in) throws IOException {
        int m = readMask(in, 12, "event.event");
        Event x = new Event();
        if ((m & 1) != 0) x.kind = readString(in);
        if ((m & 1 << 1) != 0) x.category = readString(in);
        if ((m & 1 << 2) != 0) x.type = readString(in);
        if ((m & 1 << 3) != 0) x.action = readString(in);
        if ((m & 1 << 4) != 0) x.outcome = readString(in);
        if ((m & 1 << 5) != 0) x.dataset = readString(in);
        if ((m & 1 << 6) != 0) x.module = readString(in);
        if ((m & 1 << 7) != 0) x.code = readString(in);
        if ((m & 1 << 8) != 0) x.provider = readString(in);
        if ((m & 1 << 9) != 0) x.severity = readInteger(in);
        if ((m & 1 << 10) != 0) x.original = readString(in);
        if ((m & 1 << 11) != 0) x.id = readString(in);
        return x;
    }

    private static void writeOrganization(DataOutput out, Organization x) throws IOException {
        int m = 0;
        if (x.id != null) m |= 1;
        if (x.name != null) m |= 1 << 1;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.id);
        if ((m & 1 << 1) != 0) writeString(out, x.name);
    }

    private static Organization readOrganization(DataInput in) throws IOException {
        int m = readMask(in, 2, "organization");
        Organization x = new Organization();
        if ((m & 1) != 0) x.id = readString(in);
        if ((m & 1 << 1) != 0) x.name = readString(in);
        return x;
    }

    private static void writeObserver(DataOutput out, Observer x) throws IOException {
        int m = 0;
        if (x.name != null) m |= 1;
        if (x.hostname != null) m |= 1 << 1;
        if (x.ip != null) m |= 1 << 2;
        if (x.vendor != null) m |= 1 << 3;
        if (x.product != null) m |= 1 << 4;
        if (x.type != null) m |= 1 << 5;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.name);
        if ((m & 1 << 1) != 0) writeString(out, x.hostname);
        if ((m & 1 << 2) != 0) writeString(out, x.ip);
        if ((m & 1 << 3) != 0) writeString(out, x.vendor);
        if ((m & 1 << 4) != 0) writeString(out, x.product);
        if ((m & 1 << 5) != 0) writeString(out, x.type);
    }

    private static Observer readObserver(DataInput in) throws IOException {
        int m = readMask(in, 6, "observer");
        Observer x = new Observer();
        if ((m & 1) != 0) x.name = readString(in);
        if ((m & 1 << 1) != 0) x.hostname = readString(in);
        if ((m & 1 << 2) != 0) x.ip = readString(in);
        if ((m & 1 << 3) != 0) x.vendor = readString(in);
        if ((m & 1 << 4) != 0) x.product = readString(in);
        if ((m & 1 << 5) != 0) x.type = readString(in);
        return x;
    }

    private static void writeEndpoint(DataOutput out, Endpoint x) throws IOException {
        int m = 0;
        if (x.ip != null) m |= 1;
        if (x.address != null) m |= 1 << 1;
        if (x.port != null) m |= 1 << 2;
        if (x.domain != null) m |= 1 << 3;
        if (x.bytes != null) m |= 1 << 4;
        if (x.packets != null) m |= 1 << 5;
        if (x.mac != null) m |= 1 << 6;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.ip);
        if ((m & 1 << 1) != 0) writeString(out, x.address);
        if ((m & 1 << 2) != 0) writeInteger(out, x.port);
        if ((m & 1 << 3) != 0) writeString(out, x.domain);
        if ((m & 1 << 4) != 0) writeLong(out, x.bytes);
        if ((m & 1 << 5) != 0) writeLong(out, x.packets);
        if ((m & 1 << 6) != 0) writeString(out, x.mac);
    }

    private static Endpoint readEndpoint(DataInput in) throws IOException {
        int m = readMask(in, 7, "source/destination");
        Endpoint x = new Endpoint();
        if ((m & 1) != 0) x.ip = readString(in);
        if ((m & 1 << 1) != 0) x.address = readString(in);
        if ((m & 1 << 2) != 0) x.port = readInteger(in);
        if ((m & 1 << 3) != 0) x.domain = readString(in);
        if ((m & 1 << 4) != 0) x.bytes = readLong(in);
        if ((m & 1 << 5) != 0) x.packets = readLong(in);
        if ((m & 1 << 6) != 0) x.mac = readString(in);
        return x;
    }

    private static void writeNetwork(DataOutput out, Network x) throws IOException {
        int m = 0;
        if (x.transport != null) m |= 1;
        if (x.protocol != null) m |= 1 << 1;
        if (x.bytes != null) m |= 1 << 2;
        if (x.packets != null) m |= 1 << 3;
        if (x.direction != null) m |= 1 << 4;
        if (x.community_id != null) m |= 1 << 5;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.transport);
        if ((m & 1 << 1) != 0) writeString(out, x.protocol);
        if ((m & 1 << 2) != 0) writeLong(out, x.bytes);
        if ((m & 1 << 3) != 0) writeLong(out, x.packets);
        if ((m & 1 << 4) != 0) writeString(out, x.direction);
        if ((m & 1 << 5) != 0) writeString(out, x.community_id);
    }

    private static Network readNetwork(DataInput in) throws IOException {
        int m = readMask(in, 6, "network");
        Network x = new Network();
        if ((m & 1) != 0) x.transport = readString(in);
        if ((m & 1 << 1) != 0) x.protocol = readString(in);
        if ((m & 1 << 2) != 0) x.bytes = readLong(in);
        if ((m & 1 << 3) != 0) x.packets = readLong(in);
        if ((m & 1 << 4) != 0) x.direction = readString(in);
        if ((m & 1 << 5) != 0) x.community_id = readString(in);
        return x;
    }

    private static void writeUser(DataOutput out, User x) throws IOException {
        int m = 0;
        if (x.name != null) m |= 1;
        if (x.domain != null) m |= 1 << 1;
        if (x.id != null) m |= 1 << 2;
        if (x.target != null) m |= 1 << 3;
        if (x.group != null) m |= 1 << 4;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.name);
        if ((m & 1 << 1) != 0) writeString(out, x.domain);
        if ((m & 1 << 2) != 0) writeString(out, x.id);
        if ((m & 1 << 3) != 0) writeTarget(out, x.target);
        if ((m & 1 << 4) != 0) writeGroup(out, x.group);
    }

    private static User readUser(DataInput in) throws IOException {
        int m = readMask(in, 5, "user");
        User x = new User();
        if ((m & 1) != 0) x.name = readString(in);
        if ((m & 1 << 1) != 0) x.domain = readString(in);
        if ((m & 1 << 2) != 0) x.id = readString(in);
        if ((m & 1 << 3) != 0) x.target = readTarget(in);
        if ((m & 1 << 4) != 0) x.group = readGroup(in);
        return x;
    }

    private static void writeTarget(DataOutput out, Target x) throws IOException {
        int m = 0;
        if (x.name != null) m |= 1;
        if (x.domain != null) m |= 1 << 1;
        if (x.id != null) m |= 1 << 2;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.name);
        if ((m & 1 << 1) != 0) writeString(out, x.domain);
        if ((m & 1 << 2) != 0) writeString(out, x.id);
    }

    private static Target readTarget(DataInput in) throws IOException {
        int m = readMask(in, 3, "user.target");
        Target x = new Target();
        if ((m & 1) != 0) x.name = readString(in);
        if ((m & 1 << 1) != 0) x.domain = readString(in);
        if ((m & 1 << 2) != 0) x.id = readString(in);
        return x;
    }

    private static void writeGroup(DataOutput out, Group x) throws IOException {
        int m = 0;
        if (x.name != null) m |= 1;
        if (x.id != null) m |= 1 << 1;
        if (x.domain != null) m |= 1 << 2;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.name);
        if ((m & 1 << 1) != 0) writeString(out, x.id);
        if ((m & 1 << 2) != 0) writeString(out, x.domain);
    }

    private static Group readGroup(DataInput in) throws IOException {
        int m = readMask(in, 3, "group");
        Group x = new Group();
        if ((m & 1) != 0) x.name = readString(in);
        if ((m & 1 << 1) != 0) x.id = readString(in);
        if ((m & 1 << 2) != 0) x.domain = readString(in);
        return x;
    }

    private static void writeHost(DataOutput out, Host x) throws IOException {
        int m = 0;
        if (x.name != null) m |= 1;
        if (x.hostname != null) m |= 1 << 1;
        if (x.ip != null) m |= 1 << 2;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.name);
        if ((m & 1 << 1) != 0) writeString(out, x.hostname);
        if ((m & 1 << 2) != 0) writeString(out, x.ip);
    }

    private static Host readHost(DataInput in) throws IOException {
        int m = readMask(in, 3, "host");
        Host x = new Host();
        if ((m & 1) != 0) x.name = readString(in);
        if ((m & 1 << 1) != 0) x.hostname = readString(in);
        if ((m & 1 << 2) != 0) x.ip = readString(in);
        return x;
    }

    private static void writeProcess(DataOutput out, Process x) throws IOException {
        int m = 0;
        if (x.name != null) m |= 1;
        if (x.pid != null) m |= 1 << 1;
        if (x.executable != null) m |= 1 << 2;
        if (x.command_line != null) m |= 1 << 3;
        if (x.parent != null) m |= 1 << 4;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.name);
        if ((m & 1 << 1) != 0) writeLong(out, x.pid);
        if ((m & 1 << 2) != 0) writeString(out, x.executable);
        if ((m & 1 << 3) != 0) writeString(out, x.command_line);
        if ((m & 1 << 4) != 0) writeParentProcess(out, x.parent);
    }

    private static Process readProcess(DataInput in) throws IOException {
        int m = readMask(in, 5, "process");
        Process x = new Process();
        if ((m & 1) != 0) x.name = readString(in);
        if ((m & 1 << 1) != 0) x.pid = readLong(in);
        if ((m & 1 << 2) != 0) x.executable = readString(in);
        if ((m & 1 << 3) != 0) x.command_line = readString(in);
        if ((m & 1 << 4) != 0) x.parent = readParentProcess(in);
        return x;
    }

    private static void writeParentProcess(DataOutput out, ParentProcess x) throws IOException {
        int m = 0;
        if (x.name != null) m |= 1;
        if (x.pid != null) m |= 1 << 1;
        if (x.executable != null) m |= 1 << 2;
        if (x.command_line != null) m |= 1 << 3;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.name);
        if ((m & 1 << 1) != 0) writeLong(out, x.pid);
        if ((m & 1 << 2) != 0) writeString(out, x.executable);
        if ((m & 1 << 3) != 0) writeString(out, x.command_line);
    }

    private static ParentProcess readParentProcess(DataInput in) throws IOException {
        int m = readMask(in, 4, "process.parent");
        ParentProcess x = new ParentProcess();
        if ((m & 1) != 0) x.name = readString(in);
        if ((m & 1 << 1) != 0) x.pid = readLong(in);
        if ((m & 1 << 2) != 0) x.executable = readString(in);
        if ((m & 1 << 3) != 0) x.command_line = readString(in);
        return x;
    }

    private static void writeDns(DataOutput out, Dns x) throws IOException {
        int m = 0;
        if (x.question != null) m |= 1;
        if (x.response_code != null) m |= 1 << 1;
        if (x.type != null) m |= 1 << 2;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeQuestion(out, x.question);
        if ((m & 1 << 1) != 0) writeString(out, x.response_code);
        if ((m & 1 << 2) != 0) writeString(out, x.type);
    }

    private static Dns readDns(DataInput in) throws IOException {
        int m = readMask(in, 3, "dns");
        Dns x = new Dns();
        if ((m & 1) != 0) x.question = readQuestion(in);
        if ((m & 1 << 1) != 0) x.response_code = readString(in);
        if ((m & 1 << 2) != 0) x.type = readString(in);
        return x;
    }

    private static void writeQuestion(DataOutput out, Question x) throws IOException {
        int m = 0;
        if (x.name != null) m |= 1;
        if (x.type != null) m |= 1 << 1;
        if (x.registered_domain != null) m |= 1 << 2;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.name);
        if ((m & 1 << 1) != 0) writeString(out, x.type);
        if ((m & 1 << 2) != 0) writeString(out, x.registered_domain);
    }

    private static Question readQuestion(DataInput in) throws IOException {
        int m = readMask(in, 3, "dns.question");
        Question x = new Question();
        if ((m & 1) != 0) x.name = readString(in);
        if ((m & 1 << 1) != 0) x.type = readString(in);
        if ((m & 1 << 2) != 0) x.registered_domain = readString(in);
        return x;
    }

    private static void writeUrl(DataOutput out, Url x) throws IOException {
        int m = 0;
        if (x.original != null) m |= 1;
        if (x.path != null) m |= 1 << 1;
        if (x.query != null) m |= 1 << 2;
        if (x.domain != null) m |= 1 << 3;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.original);
        if ((m & 1 << 1) != 0) writeString(out, x.path);
        if ((m & 1 << 2) != 0) writeString(out, x.query);
        if ((m & 1 << 3) != 0) writeString(out, x.domain);
    }

    private static Url readUrl(DataInput in) throws IOException {
        int m = readMask(in, 4, "url");
        Url x = new Url();
        if ((m & 1) != 0) x.original = readString(in);
        if ((m & 1 << 1) != 0) x.path = readString(in);
        if ((m & 1 << 2) != 0) x.query = readString(in);
        if ((m & 1 << 3) != 0) x.domain = readString(in);
        return x;
    }

    private static void writeHttp(DataOutput out, Http x) throws IOException {
        int m = 0;
        if (x.request != null) m |= 1;
        if (x.response != null) m |= 1 << 1;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeHttpRequest(out, x.request);
        if ((m & 1 << 1) != 0) writeHttpResponse(out, x.response);
    }

    private static Http readHttp(DataInput in) throws IOException {
        int m = readMask(in, 2, "http");
        Http x = new Http();
        if ((m & 1) != 0) x.request = readHttpRequest(in);
        if ((m & 1 << 1) != 0) x.response = readHttpResponse(in);
        return x;
    }

    private static void writeHttpRequest(DataOutput out, HttpRequest x) throws IOException {
        int m = 0;
        if (x.method != null) m |= 1;
        if (x.referrer != null) m |= 1 << 1;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.method);
        if ((m & 1 << 1) != 0) writeString(out, x.referrer);
    }

    private static HttpRequest readHttpRequest(DataInput in) throws IOException {
        int m = readMask(in, 2, "http.request");
        HttpRequest x = new HttpRequest();
        if ((m & 1) != 0) x.method = readString(in);
        if ((m & 1 << 1) != 0) x.referrer = readString(in);
        return x;
    }

    private static void writeHttpResponse(DataOutput out, HttpResponse x) throws IOException {
        int m = 0;
        if (x.status_code != null) m |= 1;
        if (x.bytes != null) m |= 1 << 1;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeInteger(out, x.status_code);
        if ((m & 1 << 1) != 0) writeLong(out, x.bytes);
    }

    private static HttpResponse readHttpResponse(DataInput in) throws IOException {
        int m = readMask(in, 2, "http.response");
        HttpResponse x = new HttpResponse();
        if ((m & 1) != 0) x.status_code = readInteger(in);
        if ((m & 1 << 1) != 0) x.bytes = readLong(in);
        return x;
    }

    private static void writeUserAgent(DataOutput out, UserAgent x) throws IOException {
        int m = 0;
        if (x.original != null) m |= 1;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.original);
    }

    private static UserAgent readUserAgent(DataInput in) throws IOException {
        int m = readMask(in, 1, "user_agent");
        UserAgent x = new UserAgent();
        if ((m & 1) != 0) x.original = readString(in);
        return x;
    }

    private static void writeFile(DataOutput out, File x) throws IOException {
        int m = 0;
        if (x.path != null) m |= 1;
        if (x.name != null) m |= 1 << 1;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.path);
        if ((m & 1 << 1) != 0) writeString(out, x.name);
    }

    private static File readFile(DataInput in) throws IOException {
        int m = readMask(in, 2, "file");
        File x = new File();
        if ((m & 1) != 0) x.path = readString(in);
        if ((m & 1 << 1) != 0) x.name = readString(in);
        return x;
    }

    private static void writeRule(DataOutput out, Rule x) throws IOException {
        int m = 0;
        if (x.id != null) m |= 1;
        if (x.name != null) m |= 1 << 1;
        if (x.category != null) m |= 1 << 2;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.id);
        if ((m & 1 << 1) != 0) writeString(out, x.name);
        if ((m & 1 << 2) != 0) writeString(out, x.category);
    }

    private static Rule readRule(DataInput in) throws IOException {
        int m = readMask(in, 3, "rule");
        Rule x = new Rule();
        if ((m & 1) != 0) x.id = readString(in);
        if ((m & 1 << 1) != 0) x.name = readString(in);
        if ((m & 1 << 2) != 0) x.category = readString(in);
        return x;
    }

    private static void writeThreat(DataOutput out, Threat x) throws IOException {
        int m = 0;
        if (x.indicator != null) m |= 1;
        if (x.enrichments != null) m |= 1 << 1;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeIndicator(out, x.indicator);
        if ((m & 1 << 1) != 0) {
            int size = x.enrichments.size();
            writeVarInt(out, size);
            for (int i = 0; i < size; i++) {
                writeEnrichment(out, x.enrichments.get(i));
            }
        }
    }

    private static Threat readThreat(DataInput in) throws IOException {
        // Bit 1 (enrichments) came later: data without it reads as before.
        int m = readMask(in, 2, "threat");
        Threat x = new Threat();
        if ((m & 1) != 0) x.indicator = readIndicator(in);
        if ((m & 1 << 1) != 0) {
            int size = readVarInt(in);
            if (size < 0) {
                throw new IOException("Corrupt SecurityEvent: threat.enrichments count " + size);
            }
            x.enrichments = new java.util.ArrayList<>(Math.min(size, MAX_PRESIZED_ENTRIES));
            for (int i = 0; i < size; i++) {
                x.enrichments.add(readEnrichment(in));
            }
        }
        return x;
    }

    private static void writeEnrichment(DataOutput out, Enrichment x) throws IOException {
        int m = 0;
        if (x == null) {
            writeVarInt(out, 1 << 4);
            return;
        }
        if (x.indicator != null) m |= 1;
        if (x.matched != null && x.matched.atomic != null) m |= 1 << 1;
        if (x.matched != null && x.matched.field != null) m |= 1 << 2;
        if (x.matched != null && x.matched.type != null) m |= 1 << 3;
        if (x.matched != null && m < 2) m |= 1 << 5;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeIndicator(out, x.indicator);
        if ((m & 1 << 1) != 0) writeString(out, x.matched.atomic);
        if ((m & 1 << 2) != 0) writeString(out, x.matched.field);
        if ((m & 1 << 3) != 0) writeString(out, x.matched.type);
    }

    private static Enrichment readEnrichment(DataInput in) throws IOException {
        int m = readMask(in, 6, "threat.enrichments");
        if ((m & 1 << 4) != 0) {
            return null;
        }
        Enrichment x = new Enrichment();
        if ((m & 1) != 0) x.indicator = readIndicator(in);
        if ((m & (1 << 1 | 1 << 2 | 1 << 3 | 1 << 5)) != 0) {
            x.matched = new Matched();
        }
        if ((m & 1 << 1) != 0) x.matched.atomic = readString(in);
        if ((m & 1 << 2) != 0) x.matched.field = readString(in);
        if ((m & 1 << 3) != 0) x.matched.type = readString(in);
        return x;
    }

    private static void writeIndicator(DataOutput out, Indicator x) throws IOException {
        int m = 0;
        if (x.type != null) m |= 1;
        if (x.value != null) m |= 1 << 1;
        if (x.provider != null) m |= 1 << 2;
        if (x.confidence != null) m |= 1 << 3;
        if (x.first_seen != null) m |= 1 << 4;
        if (x.last_seen != null) m |= 1 << 5;
        writeVarInt(out, m);
        if ((m & 1) != 0) writeString(out, x.type);
        if ((m & 1 << 1) != 0) writeString(out, x.value);
        if ((m & 1 << 2) != 0) writeString(out, x.provider);
        if ((m & 1 << 3) != 0) writeInteger(out, x.confidence);
        if ((m & 1 << 4) != 0) writeString(out, x.first_seen);
        if ((m & 1 << 5) != 0) writeString(out, x.last_seen);
    }

    private static Indicator readIndicator(DataInput in) throws IOException {
        // Bits 4 and 5 (first and last seen) came later: data without them reads as before.
        int m = readMask(in, 6, "threat.indicator");
        Indicator x = new Indicator();
        if ((m & 1) != 0) x.type = readString(in);
        if ((m & 1 << 1) != 0) x.value = readString(in);
        if ((m & 1 << 2) != 0) x.provider = readString(in);
        if ((m & 1 << 3) != 0) x.confidence = readInteger(in);
        if ((m & 1 << 4) != 0) x.first_seen = readString(in);
        if ((m & 1 << 5) != 0) x.last_seen = readString(in);
        return x;
    }

    private static void writeFields(DataOutput out, Map<String, String> fields) throws IOException {
        int size = fields.size();
        writeVarInt(out, size);
        int written = 0;
        for (Map.Entry<String, String> entry : fields.entrySet()) {
            writeString(out, entry.getKey());
            writeString(out, entry.getValue());
            written++;
        }
        if (written != size) {
            // A map changed while written (or a broken size()) would misalign the reader.
            throw new IOException("fields had " + written + " entries but size() " + size);
        }
    }

    private static Map<String, String> readFields(DataInput in) throws IOException {
        int size = readVarInt(in);
        if (size < 0) {
            throw new IOException("Corrupt SecurityEvent: fields count " + size);
        }
        // Sized for the entries without rehashing (load factor 0.75).
        Map<String, String> fields =
                new LinkedHashMap<>(Math.min(size, MAX_PRESIZED_ENTRIES) * 4 / 3 + 1);
        for (int i = 0; i < size; i++) {
            String key = readString(in);
            fields.put(key, readString(in));
        }
        return fields;
    }

    // ---- scalars ----

    private static int readMask(DataInput in, int bits, String what) throws IOException {
        int m = readVarInt(in);
        if ((m & -(1 << bits)) != 0) {
            // Bits this version does not define: the stream is misaligned or not an event.
            throw new IOException(
                    "Corrupt SecurityEvent: unknown bits in the mask of "
                            + what
                            + ": 0x"
                            + Integer.toHexString(m));
        }
        return m;
    }

    private static void writeInteger(DataOutput out, Integer v) throws IOException {
        int i = v;
        writeVarInt(out, (i << 1) ^ (i >> 31));
    }

    private static Integer readInteger(DataInput in) throws IOException {
        int z = readVarInt(in);
        return (z >>> 1) ^ -(z & 1);
    }

    private static void writeLong(DataOutput out, Long v) throws IOException {
        long l = v;
        writeVarLong(out, (l << 1) ^ (l >> 63));
    }

    private static Long readLong(DataInput in) throws IOException {
        long z = readVarLong(in);
        return (z >>> 1) ^ -(z & 1);
    }

    static void writeVarInt(DataOutput out, int v) throws IOException {
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    static int readVarInt(DataInput in) throws IOException {
        int result = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            byte b = in.readByte();
            result |= (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IOException("Corrupt SecurityEvent: a varint longer than 5 bytes");
    }

    static void writeVarLong(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    static long readVarLong(DataInput in) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw new IOException("Corrupt SecurityEvent: a varlong longer than 10 bytes");
    }

    // ---- strings ----

    static void writeString(DataOutput out, String s) throws IOException {
        if (s == null) {
            out.writeByte(0);
            return;
        }
        byte[] utf8 = s.getBytes(UTF_8);
        if (utf8IsExact(s, utf8)) {
            writeVarLong(out, ((long) utf8.length << 1) | 1);
            out.write(utf8);
        } else {
            writeVarLong(out, ((long) s.length() + 1) << 1);
            out.writeChars(s);
        }
    }

    /**
     * Whether {@code utf8} decodes back to {@code s}. The encoder turns each lone surrogate into
     * {@code ?} and no multi-byte sequence contains the byte {@code ?}, so the bytes are exact when
     * they hold as many {@code ?} as the string: one scan of the bytes in the usual case of none.
     */
    private static boolean utf8IsExact(String s, byte[] utf8) {
        int bytes = 0;
        for (byte b : utf8) {
            if (b == '?') {
                bytes++;
            }
        }
        if (bytes == 0) {
            return true;
        }
        int chars = 0;
        for (int i = s.indexOf('?'); i >= 0; i = s.indexOf('?', i + 1)) {
            chars++;
        }
        return chars == bytes;
    }

    static String readString(DataInput in) throws IOException {
        long h = readVarLong(in);
        if (h == 0) {
            return null;
        }
        if ((h & 1) != 0) {
            int n = length(h >>> 1);
            // new String copies the bytes, so short strings decode from a reused buffer and save
            // an array per string: about a tenth of the read time of a typical event.
            if (n <= SCRATCH_BYTES) {
                byte[] utf8 = SCRATCH.get();
                in.readFully(utf8, 0, n);
                return new String(utf8, 0, n, UTF_8);
            }
            byte[] utf8 = readLarge(in, n);
            return new String(utf8, 0, n, UTF_8);
        }
        int n = length((h >>> 1) - 1);
        // Grown as the chars arrive, for the same reason as readLarge.
        StringBuilder chars = new StringBuilder(Math.min(n, LARGE_CHUNK));
        for (int i = 0; i < n; i++) {
            chars.append(in.readChar());
        }
        return chars.toString();
    }

    private static final int LARGE_CHUNK = 64 * 1024;

    /**
     * Reads {@code n} bytes into an array grown as they arrive: a corrupt length of 2 GB in a few
     * bytes of input must end at the end of the input, not in an out-of-memory error (found by
     * AlertCodecFuzzTest).
     */
    private static byte[] readLarge(DataInput in, int n) throws IOException {
        byte[] buf = new byte[Math.min(n, LARGE_CHUNK)];
        int got = 0;
        while (true) {
            in.readFully(buf, got, buf.length - got);
            got = buf.length;
            if (got == n) {
                return buf;
            }
            buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * got));
        }
    }

    private static int length(long n) throws IOException {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IOException("Corrupt SecurityEvent: a string of " + n + " units");
        }
        return (int) n;
    }

    // ---- in-memory streams for toBytes/fromBytes, without the locks of the java.io ones ----

    static final class ByteSink extends OutputStream {
        private byte[] buf = new byte[256];
        private int count;

        @Override
        public void write(int b) {
            if (count == buf.length) {
                grow(1);
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > buf.length - count) {
                grow(len);
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void grow(int more) {
            long needed = (long) count + more;
            if (needed > Integer.MAX_VALUE - 8) {
                throw new OutOfMemoryError("a SecurityEvent over 2 GB");
            }
            buf =
                    Arrays.copyOf(
                            buf,
                            (int)
                                    Math.min(
                                            Integer.MAX_VALUE - 8,
                                            Math.max(needed, 2L * buf.length)));
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, count);
        }
    }

    static final class ByteSource extends InputStream {
        private final byte[] buf;
        private int pos;

        ByteSource(byte[] buf) {
            this.buf = buf;
        }

        @Override
        public int read() {
            return pos < buf.length ? buf[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = Math.min(len, buf.length - pos);
            if (n <= 0) {
                return -1;
            }
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return buf.length - pos;
        }
    }
}
