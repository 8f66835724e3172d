package org.socengine.connectors.decode.format;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderSupport;
import org.socengine.connectors.decode.core.Net;
import org.socengine.connectors.decode.core.Scan;
import org.socengine.model.SecurityEvent;

/**
 * Cisco ASA (and Firepower Threat Defense) messages, sent as the source {@code asa} or inside any
 * syslog line: {@code %ASA-6-302013: Built outbound TCP connection ...}. Connections built and torn
 * down, and the many ways the ASA reports a denied packet (106001, 106006, 106007, 106014, 106015,
 * 106021, 106023, 106100, 710003, 313001). Other message ids still decode with their severity and
 * the first two endpoints found in the text.
 */
public final class AsaFormat {

    private static final String MODULE = "asa";

    private static final Pattern MARK =
            Pattern.compile("%(ASA|FTD|PIX|FWSM)-(?:[a-z]+-)?([0-7])-(\\d{6}): ?");
    private static final String IP = "([0-9a-fA-F:.]*[0-9a-fA-F])";

    /** {@code outside:10.0.0.1/443} with an optional interface name. */
    private static final String EP = "(?:([A-Za-z][\\w.-]*):)?" + IP + "/(\\d{1,5})";

    private static final Pattern BUILT =
            Pattern.compile(
                    "^Built (inbound|outbound)? ?(TCP|UDP|SCTP|GRE|ICMP|ICMPv6) connection (?:(\\d+) )?for "
                            + EP
                            + " \\(\\S+\\)(?: ?\\(\\S*\\))? to "
                            + EP);
    private static final Pattern BUILT_ICMP =
            Pattern.compile(
                    "^(Built|Teardown) (inbound |outbound )?(ICMP|ICMPv6) connection for faddr "
                            + IP
                            + "/\\d+(?:\\(\\S*\\))? gaddr \\S+ laddr "
                            + IP);
    private static final Pattern TEARDOWN =
            Pattern.compile(
                    "^Teardown (TCP|UDP|SCTP|GRE) connection (\\d+) for "
                            + EP
                            + " to "
                            + EP
                            + "(?: duration (\\S+))?(?: bytes (\\d+))?(?: (.*))?$");
    private static final Pattern DENY_106023 =
            Pattern.compile(
                    "^Deny (\\S+) src " + EP + " dst " + EP + ".*? by access-group \"([^\"]*)\"");
    private static final Pattern DENY_106023_ICMP =
            Pattern.compile(
                    "^Deny (icmp|icmp6) src (?:([A-Za-z][\\w.-]*):)?"
                            + IP
                            + " dst (?:([A-Za-z][\\w.-]*):)?"
                            + IP
                            + ".*? by access-group \"([^\"]*)\"");
    private static final Pattern DENY_FROM_TO =
            Pattern.compile(
                    "^(?:Inbound (TCP|UDP) connection denied|Deny (?:inbound |outbound )?(\\S+)(?: \\(no connection\\))?|(TCP|UDP) access denied by ACL) from "
                            + EP
                            + " to "
                            + EP
                            + "(?:.*? on interface (\\S+))?");
    private static final Pattern DENY_106014 =
            Pattern.compile(
                    "^Deny (inbound|outbound) (icmp|icmp6) src (?:([A-Za-z][\\w.-]*):)?"
                            + IP
                            + " dst (?:([A-Za-z][\\w.-]*):)?"
                            + IP);
    private static final Pattern DENY_REVERSE_PATH =
            Pattern.compile("^Deny (\\S+) reverse path check from " + IP + " to " + IP);
    private static final Pattern ACL_106100 =
            Pattern.compile(
                    "^access-list (\\S+) (permitted|denied|est-allowed) (\\S+) ([\\w.-]+)/"
                            + IP
                            + "\\((\\d+)\\) -> ([\\w.-]+)/"
                            + IP
                            + "\\((\\d+)\\)");
    private static final Pattern DENIED_ICMP =
            Pattern.compile(
                    "^Denied ICMP type=(\\d+), code=(\\d+) from " + IP + " on interface (\\S+)");
    private static final Pattern LOGIN =
            Pattern.compile(
                    "^Login (denied|permitted) from "
                            + EP
                            + " to "
                            + "(?:([A-Za-z][\\w.-]*):)?"
                            + IP
                            + "/(\\S+) for user \"([^\"]*)\"");

    private AsaFormat() {}

    /** Whether the text starts with an ASA message id ({@code %ASA-6-302013: }). */
    public static boolean isAsa(String body) {
        // Every line of every syslog source is asked; most cannot start with the mark's '%'.
        if (body.isEmpty() || body.charAt(0) != '%') {
            return false;
        }
        Matcher m = MARK.matcher(body);
        return m.lookingAt();
    }

    /** Where the first ASA message id of the line starts, or -1 when it has none. */
    public static int messageStart(String line) {
        Matcher mark = MARK.matcher(line);
        return mark.find() ? mark.start() : -1;
    }

    /** Reads an ASA message, from its message id on, into the event. */
    public static void parse(String body, SecurityEvent e) throws DecodeException {
        Matcher mark = MARK.matcher(body);
        if (!mark.lookingAt()) {
            throw new DecodeException(DecodeException.Reason.WRONG_FORMAT, "no ASA message id");
        }
        String product = mark.group(1);
        int level = Integer.parseInt(mark.group(2));
        String id = mark.group(3);
        String msg = body.substring(mark.end());
        SecurityEvent.Event ev = e.ensureEvent();
        ev.module = MODULE;
        ev.kind = "event";
        ev.code = id;
        ev.severity = level;
        ev.dataset = MODULE + ".firewall";
        ev.category = "network";
        SecurityEvent.Observer obs = e.ensureObserver();
        obs.vendor = "Cisco";
        obs.product = product;
        obs.type = "firewall";
        e.field("cisco.message_id", product + "-" + level + "-" + id);
        Matcher m;
        if ((m = BUILT.matcher(msg)).lookingAt()) {
            ev.type = "start";
            ev.action = "connection_built";
            ev.outcome = "success";
            e.ensureNetwork().transport = Net.transport(m.group(2));
            if (m.group(1) != null) {
                e.network.direction = m.group(1);
            }
            e.field("cisco.connection_id", m.group(3));
            // "Built outbound ... for outside:A to inside:B": the connection was opened by B, so
            // the source is the second endpoint; inbound connections are opened by the first.
            boolean outbound = "outbound".equals(m.group(1));
            endpoints(e, m, outbound ? 7 : 4, outbound ? 4 : 7);
        } else if ((m = TEARDOWN.matcher(msg)).lookingAt()) {
            ev.type = "end";
            ev.action = "connection_teardown";
            ev.outcome = "success";
            e.ensureNetwork().transport = Net.transport(m.group(1));
            e.field("cisco.connection_id", m.group(2));
            endpoints(e, m, 3, 6);
            e.field("cisco.duration", m.group(9));
            if (m.group(10) != null) {
                e.network.bytes = Long.parseLong(m.group(10));
            }
            if (m.group(11) != null && !m.group(11).isBlank()) {
                e.field("cisco.termination_reason", m.group(11).strip());
            }
        } else if ((m = BUILT_ICMP.matcher(msg)).lookingAt()) {
            boolean built = m.group(1).equals("Built");
            ev.type = built ? "start" : "end";
            ev.action = built ? "connection_built" : "connection_teardown";
            ev.outcome = "success";
            e.ensureNetwork().transport = Net.transport(m.group(3));
            Net.source(e, m.group(4), null);
            Net.destination(e, m.group(5), null);
        } else if ((m = DENY_106023_ICMP.matcher(msg)).lookingAt()) {
            denied(e, m.group(1));
            iface(e, m.group(2), m.group(4));
            Net.source(e, m.group(3), null);
            Net.destination(e, m.group(5), null);
            aclName(e, m.group(6));
        } else if ((m = DENY_106023.matcher(msg)).lookingAt()) {
            denied(e, m.group(1));
            endpoints(e, m, 2, 5);
            aclName(e, m.group(8));
        } else if ((m = DENY_FROM_TO.matcher(msg)).lookingAt()) {
            String proto =
                    m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            denied(e, proto);
            endpoints(e, m, 4, 7);
            if (m.group(10) != null) {
                e.field("cisco.interface", m.group(10));
            }
        } else if ((m = DENY_106014.matcher(msg)).lookingAt()) {
            denied(e, m.group(2));
            e.network.direction = m.group(1);
            iface(e, m.group(3), m.group(5));
            Net.source(e, m.group(4), null);
            Net.destination(e, m.group(6), null);
        } else if ((m = DENY_REVERSE_PATH.matcher(msg)).lookingAt()) {
            denied(e, m.group(1));
            Net.source(e, m.group(2), null);
            Net.destination(e, m.group(3), null);
        } else if ((m = ACL_106100.matcher(msg)).lookingAt()) {
            boolean denied = m.group(2).equals("denied");
            if (denied) {
                denied(e, m.group(3));
            } else {
                ev.type = "allowed";
                ev.action = "connection_allowed";
                ev.outcome = "success";
                e.ensureNetwork().transport = Net.transport(m.group(3));
            }
            aclName(e, m.group(1));
            iface(e, m.group(4), m.group(7));
            Net.source(e, m.group(5), DecoderSupport.port(m.group(6)));
            Net.destination(e, m.group(8), DecoderSupport.port(m.group(9)));
        } else if ((m = DENIED_ICMP.matcher(msg)).lookingAt()) {
            denied(e, "icmp");
            e.field("cisco.icmp_type", m.group(1));
            e.field("cisco.icmp_code", m.group(2));
            Net.source(e, m.group(3), null);
            e.field("cisco.interface", m.group(4));
        } else if ((m = LOGIN.matcher(msg)).lookingAt()) {
            boolean ok = m.group(1).equals("permitted");
            ev.category = "authentication";
            ev.type = "start";
            ev.action = "device_login";
            ev.outcome = ok ? "success" : "failure";
            Net.source(e, m.group(3), DecoderSupport.port(m.group(4)));
            Net.destination(e, m.group(6), null);
            e.field("cisco.service", m.group(7));
            if (!m.group(8).isEmpty()) {
                e.ensureUser().name = m.group(8);
            }
        } else {
            ev.action = "asa_" + id;
            int[] a = Scan.asaEndpoint(msg, 0);
            if (a != null) {
                Net.source(
                        e,
                        msg.substring(a[2], a[3]),
                        DecoderSupport.port(msg.substring(a[4], a[5])));
                int[] b = Scan.asaEndpoint(msg, a[5]);
                if (b != null) {
                    Net.destination(
                            e,
                            msg.substring(b[2], b[3]),
                            DecoderSupport.port(msg.substring(b[4], b[5])));
                }
            }
        }
    }

    private static void denied(SecurityEvent e, String proto) {
        SecurityEvent.Event ev = e.ensureEvent();
        ev.type = "denied";
        ev.action = "connection_denied";
        ev.outcome = "failure";
        if (proto != null) {
            e.ensureNetwork().transport = Net.transport(proto.toLowerCase(Locale.ROOT));
        }
    }

    private static void aclName(SecurityEvent e, String acl) {
        if (acl != null && !acl.isEmpty()) {
            e.ensureRule().name = acl;
            e.field("cisco.acl", acl);
        }
    }

    private static void iface(SecurityEvent e, String in, String out) {
        e.field("cisco.source_interface", in);
        e.field("cisco.destination_interface", out);
    }

    /** Groups (iface, ip, port) starting at the given indexes for source and destination. */
    private static void endpoints(SecurityEvent e, Matcher m, int src, int dst) {
        iface(e, m.group(src), m.group(dst));
        Net.source(e, m.group(src + 1), DecoderSupport.port(m.group(src + 2)));
        Net.destination(e, m.group(dst + 1), DecoderSupport.port(m.group(dst + 2)));
    }
}
