package org.socengine.connectors.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.Decoder;

/**
 * Every java.util.regex pattern of the decoders is one a reviewer found linear, and still the one
 * reviewed: a backtracking engine is only safe on shapes that cannot backtrack much, and a changed
 * pattern needs a new look. Failures list every offender at once.
 *
 * <p>Besides the list, every pattern must pass a shape check that refuses what makes backtracking
 * explode (a repeat inside a repeat, alternation under a repeat, backreferences, lookaround) and an
 * unanchored pattern that starts with an unbounded repeat (retried from each character of a long
 * run: the quadratic ASA endpoint search of issue 11). Patterns that cannot meet these run on RE2/J
 * ({@code com.google.re2j}), which is linear by construction and is not audited here.
 */
class DecoderPatternAuditTest {

    private static final Path SOURCES = Path.of("src/main/java/org/socengine/connectors/decode");

    /**
     * Why each shape is linear. Anchored ({@code ^}, used with {@code lookingAt} or {@code
     * matches}): one start; every repeat is over a class that cannot also match what follows it (or
     * is bounded), so each repeat backtracks at most once over its own run. Unanchored: the pattern
     * starts with a literal or a bounded piece, so each attempt is cheap, or its attempts cover
     * disjoint runs.
     */
    private static final Map<String, String> REVIEWED = new TreeMap<>();

    private static void reviewed(String field, String pattern) {
        REVIEWED.put(field, pattern);
    }

    static {
        // Anchored at the start of the text (used with lookingAt or matches): tried once. Each
        // repeat is over a class that stops where the next literal starts (\\S+ before a space,
        // [^']+ before a quote), or is bounded, or is a lazy .*? that tests a literal at each
        // step; optional groups at most double the work. The hostile records of
        // AdversarialRecordTest run each of them over a megabyte.
        reviewed("AccessLogFormat.STATUS_BYTES", "^ (\\d{3}|-) (\\d+|-)");
        reviewed("AccessLogDecoder.IIS_START", "^(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}) ");
        reviewed(
                "AccountMessages.NEW_USER",
                "^new user: name=([^,\\s]+), UID=(\\d+), GID=(\\d+)(.*)$");
        reviewed(
                "AccountMessages.NEW_GROUP",
                "^(?:new group|group added to \\S+): name=([^,\\s]+)(?:, GID=(\\d+))?");
        reviewed("AccountMessages.ADD_TO_GROUP", "^add '([^']+)' to (?:shadow )?group '([^']+)'");
        reviewed("AccountMessages.GPASSWD_ADD", "^user (\\S+) added by (\\S+) to group (\\S+)");
        reviewed(
                "AccountMessages.GPASSWD_REMOVE",
                "^user (\\S+) removed by (\\S+) from group (\\S+)");
        reviewed(
                "AccountMessages.DELETE_FROM_GROUP",
                "^delete '([^']+)' from (?:shadow )?group '([^']+)'");
        reviewed("AccountMessages.DELETE_USER", "^delete user '([^']+)'");
        reviewed(
                "AccountMessages.REMOVE_GROUP",
                "^(?:removed group '([^']+)'|group '([^']+)' removed)");
        reviewed("AccountMessages.CHANGE_USER", "^(?:change|lock|unlock) user '([^']+)'(.*)$");
        reviewed("AccountMessages.CHANGE_NAME", "^change user name '([^']+)' to '([^']+)'");
        reviewed("AccountMessages.GROUP_CHANGE", "^(?:change )?group '([^']+)'.*?(?:changed|to)");
        reviewed(
                "AccountMessages.PASSWORD",
                "^(?:password for '?([^'\\s]+)'? changed|password changed for (\\S+))");
        reviewed(
                "AsaFormat.BUILT",
                "^Built (inbound|outbound)? ?(TCP|UDP|SCTP|GRE|ICMP|ICMPv6) connection (?:(\\d+) )?for (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5}) \\(\\S+\\)(?: ?\\(\\S*\\))? to (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5})");
        reviewed(
                "AsaFormat.BUILT_ICMP",
                "^(Built|Teardown) (inbound |outbound )?(ICMP|ICMPv6) connection for faddr ([0-9a-fA-F:.]*[0-9a-fA-F])/\\d+(?:\\(\\S*\\))? gaddr \\S+ laddr ([0-9a-fA-F:.]*[0-9a-fA-F])");
        reviewed(
                "AsaFormat.TEARDOWN",
                "^Teardown (TCP|UDP|SCTP|GRE) connection (\\d+) for (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5}) to (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5})(?: duration (\\S+))?(?: bytes (\\d+))?(?: (.*))?$");
        reviewed(
                "AsaFormat.DENY_106023",
                "^Deny (\\S+) src (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5}) dst (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5}).*? by access-group \"([^\"]*)\"");
        reviewed(
                "AsaFormat.DENY_106023_ICMP",
                "^Deny (icmp|icmp6) src (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F]) dst (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F]).*? by access-group \"([^\"]*)\"");
        reviewed(
                "AsaFormat.DENY_FROM_TO",
                "^(?:Inbound (TCP|UDP) connection denied|Deny (?:inbound |outbound )?(\\S+)(?: \\(no connection\\))?|(TCP|UDP) access denied by ACL) from (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5}) to (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5})(?:.*? on interface (\\S+))?");
        reviewed(
                "AsaFormat.DENY_106014",
                "^Deny (inbound|outbound) (icmp|icmp6) src (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F]) dst (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])");
        reviewed(
                "AsaFormat.DENY_REVERSE_PATH",
                "^Deny (\\S+) reverse path check from ([0-9a-fA-F:.]*[0-9a-fA-F]) to ([0-9a-fA-F:.]*[0-9a-fA-F])");
        reviewed(
                "AsaFormat.ACL_106100",
                "^access-list (\\S+) (permitted|denied|est-allowed) (\\S+) ([\\w.-]+)/([0-9a-fA-F:.]*[0-9a-fA-F])\\((\\d+)\\) -> ([\\w.-]+)/([0-9a-fA-F:.]*[0-9a-fA-F])\\((\\d+)\\)");
        reviewed(
                "AsaFormat.DENIED_ICMP",
                "^Denied ICMP type=(\\d+), code=(\\d+) from ([0-9a-fA-F:.]*[0-9a-fA-F]) on interface (\\S+)");
        reviewed(
                "AsaFormat.LOGIN",
                "^Login (denied|permitted) from (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\d{1,5}) to (?:([A-Za-z][\\w.-]*):)?([0-9a-fA-F:.]*[0-9a-fA-F])/(\\S+) for user \"([^\"]*)\"");
        reviewed(
                "CefFormat.CEF_TIME",
                "^([A-Z][a-z]{2}) (\\d{1,2})(?: (\\d{4}))? (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,3}))?(?: (\\S+))?$");
        reviewed("CronMessages.ENTRY", "^\\(([^)]*)\\) ([A-Z][A-Z ]*?) \\((.*)\\)\\s*$");
        reviewed(
                "DnsQueryLogDecoder.BIND_TIME",
                "^(\\d{2})-([A-Za-z]{3})-(\\d{4}) (\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))? (.*)$");
        reviewed(
                "DnsQueryLogFormat.BIND_PREFIX",
                "^(?:[\\w-]+: )?(?:info|notice|debug \\d+|warning|error|critical): ");
        reviewed("DnsQueryLogFormat.DNSMASQ_EXTRA", "^(\\d+) ([0-9a-fA-F:.]+)/(\\d+) (.*)$");
        reviewed(
                "DnsQueryLogFormat.DNSMASQ_QUERY",
                "^query\\[(\\w+)\\] (\\S+) from ([0-9a-fA-F:.]+)");
        reviewed(
                "DnsQueryLogFormat.DNSMASQ_ANSWER",
                "^(reply|cached|config|cached-stale|validation|(?:/\\S+)) (\\S+) is (.*)$");
        reviewed("DnsQueryLogFormat.DNSMASQ_FORWARDED", "^forwarded (\\S+) to ([0-9a-fA-F:.]+)");
        reviewed("LeefFormat.HEX_DELIMITER", "^(?:0?[xX])([0-9a-fA-F]{2,4})$");
        reviewed("NetfilterMessages.UPTIME", "^\\[\\s*\\d+\\.\\d+\\]\\s*");
        reviewed(
                "PamMessages.AUTH_FAILURE",
                "^(pam_\\w+)\\(([^:)]+):(\\w+)\\): authentication failure;(.*)$");
        reviewed(
                "PamMessages.SESSION",
                "^(pam_\\w+)\\(([^:)]+):session\\): session (opened|closed) for user ([^\\s(]+)(?:\\(uid=\\d+\\))?(?: by ([^\\s(]*)(?:\\(uid=(\\d+)\\))?)?");
        reviewed(
                "PamMessages.USER_UNKNOWN",
                "^(pam_\\w+)\\(([^:)]+):auth\\): check pass; user unknown");
        reviewed(
                "PamMessages.PASSWORD_CHANGED",
                "^(pam_\\w+)\\(([^:)]+):chauthtok\\): password changed for (\\S+)");
        reviewed("PamMessages.GENERIC", "^(pam_\\w+)\\(([^:)]+):(\\w+)\\): (.*)$");
        reviewed(
                "SshdMessages.FAILED",
                "^Failed (\\S+) for (invalid user )?(.*?) from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$) port (\\d+)(?: (\\S+))?");
        reviewed(
                "SshdMessages.ACCEPTED",
                "^Accepted (\\S+) for (.*?) from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$) port (\\d+)(?: (\\S+))?");
        reviewed(
                "SshdMessages.INVALID_USER",
                "^[Ii]nvalid user (.*?) from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)(?: port (\\d+))?");
        reviewed(
                "SshdMessages.POSTPONED_INVALID",
                "^Postponed \\S+ for invalid user (.*?) from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)(?: port (\\d+))?");
        reviewed(
                "SshdMessages.PAM_AUTH_ERROR_ILLEGAL",
                "^error: PAM: (authentication error) for illegal user (.*?) from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)");
        reviewed(
                "SshdMessages.ILLEGAL_USER",
                "^(?:error: PAM: .*? for )?[Ii]llegal user (.*?) from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)");
        reviewed(
                "SshdMessages.INPUT_USERAUTH_INVALID",
                "^input_userauth_request: invalid user (\\S*)");
        reviewed(
                "SshdMessages.PAM_ERROR_USER",
                "^error: PAM: (.*?) for (.*?) from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)");
        reviewed(
                "SshdMessages.NOT_ALLOWED",
                "^User (\\S+) from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$) not allowed because (.*)$");
        reviewed(
                "SshdMessages.MAX_AUTH",
                "^(?:error: )?[Mm]aximum authentication attempts exceeded for (invalid user )?(.*?) from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$) port (\\d+)");
        reviewed(
                "SshdMessages.DISCONNECTING_INVALID",
                "^Disconnecting (?:invalid|authenticating) user (\\S+) ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$) port (\\d+)");
        reviewed(
                "SshdMessages.DISCONNECT",
                "^(?:Received disconnect from|Disconnected from(?: (invalid |authenticating )?user (\\S+))?|Connection closed by(?: (invalid |authenticating )?user (\\S+))?|Connection reset by(?: (invalid |authenticating )?user (\\S+))?) ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)(?: port (\\d+))?");
        reviewed(
                "SshdMessages.PAM_FAILURE",
                "^pam_unix\\(sshd:auth\\): authentication failure;.*?rhost=(\\S*)(?:\\s+user=(\\S+))?");
        reviewed(
                "SshdMessages.NO_IDENT",
                "^Did not receive identification string from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)(?: port (\\d+))?");
        reviewed(
                "SshdMessages.BAD_PROTOCOL",
                "^Bad protocol version identification '(.*)' from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)(?: port (\\d+))?");
        reviewed(
                "SshdMessages.NEGOTIATE",
                "^(?:fatal: )?Unable to negotiate with ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)(?: port (\\d+))?");
        reviewed(
                "SshdMessages.REVERSE_MAPPING",
                "^reverse mapping checking getaddrinfo for (\\S+) \\[([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)\\] failed");
        reviewed(
                "SshdMessages.ADDRESS_MAPS",
                "^Address ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$) maps to (\\S+?),? but this does not map back");
        reviewed(
                "SshdMessages.READ_ERROR",
                "^Read error from remote host ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$)(?: port (\\d+))?");
        reviewed("SuMessages.UTIL_LINUX", "^(FAILED SU )?\\(to (\\S+)\\) (\\S+) on (\\S+)");
        reviewed("SuMessages.SHADOW_OK", "^Successful su for (\\S+) by (\\S+)");
        reviewed("SuMessages.SHADOW_FAIL", "^FAILED su for (\\S+) by (\\S+)");
        reviewed("SuMessages.SHADOW_SHORT", "^([+-]) (\\S+) ([^\\s:]+):(\\S+)");
        reviewed("SuMessages.AUTH_FAILURE", "^pam_authenticate: (?:Authentication failure|.*)");
        reviewed("SudoMessages.LINE", "^\\s*(\\S+) : (.*)$");
        reviewed("SyslogDecoder.OCTET_COUNT", "^(\\d{1,7}) (<\\d{1,3}>.*)$");
        reviewed(
                "SyslogHeader.ISO_HEADER",
                "^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?)(?:\\s+(.*))?$");
        reviewed("SyslogHeader.RFC5424", "^1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) (.*)$");
        reviewed("SyslogMessages.SOLARIS_ID", "^\\[ID (\\d+) ([\\w.]+)\\] ");
        reviewed(
                "Times.ISO_LIKE",
                "^(\\d{4})-(\\d{2})-(\\d{2})[T ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?\\s*(Z|z|UTC|[+-]\\d{2}(?::?\\d{2})?)?$");

        // Unanchored (find): each for its own reason.
        // CLF: Starts with a literal "[", every repeat bounded: an attempt reads at most ~40
        // characters.
        reviewed(
                "AccessLogFormat.CLF",
                "\\[(\\d{1,2})/([A-Za-z]{3})/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?(?: ?([+-]\\d{4}))?\\] \"");
        // MARK: Starts with a literal "%"; the one unbounded repeat ([a-z]+) stops at the next "-",
        // so attempts at different "%" read disjoint runs.
        reviewed("AsaFormat.MARK", "%(ASA|FTD|PIX|FWSM)-(?:[a-z]+-)?([0-7])-(\\d{6}): ?");
        // DENY: Literal words between word boundaries, no repeat: constant work per position.
        reviewed(
                "CefFormat.DENY",
                "(?i)\\b(block|blocked|deny|denied|drop|dropped|reject|rejected|prevent|prevented)\\b");
        // ALLOW: Literal words between word boundaries, no repeat: constant work per position.
        reviewed(
                "CefFormat.ALLOW",
                "(?i)\\b(allow|allowed|accept|accepted|permit|permitted|pass|passed)\\b");
        // BIND_QUERY: Tried with lookingAt at the first "client " only (DnsQueryLogFormat.find);
        // later matches go to its RE2/J twin.
        reviewed(
                "DnsQueryLogFormat.BIND_QUERY",
                "client (?:@0x[0-9a-fA-F]+ )?([0-9a-fA-F:.]+)#(\\d+)(?: \\(([^)]*)\\))?: (?:view ([^:]+): )?query: (\\S+) (\\S+) (\\S+) (\\S*)(?: \\(([0-9a-fA-F:.]+)\\))?");
        // BIND_DENIED: Tried with lookingAt at the first "client " only (DnsQueryLogFormat.find);
        // later matches go to its RE2/J twin.
        reviewed(
                "DnsQueryLogFormat.BIND_DENIED",
                "client (?:@0x[0-9a-fA-F]+ )?([0-9a-fA-F:.]+)#(\\d+)(?: \\(([^)]*)\\))?: (?:view ([^:]+): )?(query|update|zone transfer|query \\(cache\\)) '([^/']+)/([^/']+)/([^']+)' denied");
        // SPACE_KEY: Starts with a literal space, one bounded repeat: at most 66 characters per
        // attempt.
        reviewed("LeefFormat.SPACE_KEY", " [A-Za-z0-9_.-]{1,64}=");
        // DENY: Literal words between word boundaries, no repeat: constant work per position.
        reviewed(
                "LeefFormat.DENY",
                "(?i)\\b(block|blocked|deny|denied|drop|dropped|reject|rejected)\\b");
        // ALLOW: Literal words between word boundaries, no repeat: constant work per position.
        reviewed("LeefFormat.ALLOW", "(?i)\\b(allow|allowed|accept|accepted|permit|permitted)\\b");
        // FLAG: Literal words between word boundaries, no repeat: constant work per position.
        reviewed("NetfilterMessages.FLAG", "\\b(SYN|ACK|FIN|RST|PSH|URG|CWR|ECE)\\b");
        // DENY: Literal words, no repeat: constant work per position.
        reviewed("NetfilterMessages.DENY", "(?i)drop|block|reject|deny|denied|refuse");
        // ALLOW: Literal words, no repeat: constant work per position.
        reviewed("NetfilterMessages.ALLOW", "(?i)accept|allow|permit|pass");
        // MSG_ACCOUNT: Starts with a literal; the value repeat succeeds at its first character, so
        // an attempt reads one run of whitespace and one line.
        reviewed("WindowsEventDecoder.MSG_ACCOUNT", "Account Name:\\s+([^\\r\\n\\t]+)");
        // MSG_DOMAIN: Starts with a literal; the value repeat succeeds at its first character, so
        // an attempt reads one run of whitespace and one line.
        reviewed(
                "WindowsEventDecoder.MSG_DOMAIN",
                "(?:Account |)Domain(?: Name)?:\\s+([^\\r\\n\\t]+)");
        // MSG_LOGON_ID: Starts with a literal; attempts read disjoint runs of whitespace and hex
        // digits.
        reviewed("WindowsEventDecoder.MSG_LOGON_ID", "Logon ID:\\s+(0x[0-9A-Fa-f]+)");
    }

    @Test
    void everyDecoderPatternIsReviewedAndOfALinearShape() throws Exception {
        List<String> offenders = new ArrayList<>();
        Map<String, String> found = patterns();
        for (Map.Entry<String, String> p : found.entrySet()) {
            String reviewed = REVIEWED.get(p.getKey());
            if (reviewed == null) {
                offenders.add(p.getKey() + " is not on the reviewed list: " + quote(p.getValue()));
            } else if (!reviewed.equals(p.getValue())) {
                offenders.add(
                        p.getKey() + " changed since it was reviewed: " + quote(p.getValue()));
            }
            for (String problem : shapeProblems(p.getValue())) {
                offenders.add(p.getKey() + ": " + problem);
            }
        }
        for (String gone : REVIEWED.keySet()) {
            if (!found.containsKey(gone)) {
                offenders.add(gone + " is reviewed but no longer exists: take it off the list");
            }
        }
        assertThat(offenders).as("patterns of the decode package").isEmpty();
    }

    @Test
    void noRegularExpressionIsCompiledOutsideTheReviewedFields() throws IOException {
        // String.matches / replaceAll / replaceFirst and Pattern.compile in a method compile an
        // unreviewed pattern (on every call, too); split is allowed with the literal separators
        // below, all linear.
        Pattern inline =
                Pattern.compile(
                        "\\.(?:matches|replaceAll|replaceFirst)\\(\\s*\"|\\bsplit\\(([^)]*)\\)");
        List<String> allowedSplits =
                List.of(
                        "\" \"",
                        "\"\\t\"",
                        "\"\\t\", -1",
                        "\",\"",
                        "\":\"",
                        "\"\\\\s+\"",
                        "\" ; \"",
                        "Pattern.quote(delimiter), -1",
                        "\"\\n\"");
        List<String> offenders = new ArrayList<>();
        // The decode package and its sub-packages: the stage, core, formats and source families.
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    String where = SOURCES.relativize(f) + ":" + (i + 1) + ": " + line.strip();
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
                        continue;
                    }
                    Matcher m = inline.matcher(line);
                    while (m.find()) {
                        boolean ok =
                                m.group(1) == null
                                        // Matcher.replaceFirst on a reviewed field's matcher.
                                        ? line.lastIndexOf(".matcher(", m.start()) >= 0
                                        : allowedSplits.contains(m.group(1).strip())
                                                || m.group(1).startsWith("Pattern.quote(");
                        if (!ok) {
                            offenders.add(where);
                        }
                    }
                    if (line.contains("Pattern.compile(")
                            && !line.contains("com.google.re2j.Pattern.compile(")
                            && !isStaticFinalField(lines, i)) {
                        offenders.add(where);
                    }
                }
            }
        }
        assertThat(offenders).as("regular expressions compiled outside a reviewed field").isEmpty();
    }

    @Test
    void theShapeCheckRefusesCatastrophicPatterns() {
        for (String bad :
                List.of(
                        "(a+)+b",
                        "((a+)+)+",
                        "^(\\w+\\s?)*$",
                        "(a|aa)*b",
                        "(?:x|y)+z",
                        "(.*a){10}",
                        "(a)\\1",
                        "a(?=b+)",
                        "(\\w+)=(\\S*)",
                        "[A-Za-z][\\w.-]*:",
                        "(?:^|\\s)([A-Z]+)=(\\S*)")) {
            assertThat(shapeProblems(bad)).as(bad).isNotEmpty();
        }
        for (String ok :
                List.of(
                        "^Accepted (\\S+) for (.*?) from (\\S+)",
                        "(?i)\\b(deny|drop)\\b",
                        "Logon ID:\\s+(0x[0-9A-Fa-f]+)",
                        "^(?:a|b)?c+",
                        "^from ([\\w.:%*-]+?)(?=$|[\\s\\]]|: |:$) port",
                        "client (?:@0x[0-9a-f]+ )?([0-9a-f:.]+)#(\\d+)")) {
            assertThat(shapeProblems(ok)).as(ok).isEmpty();
        }
    }

    private static final Pattern FLAG_GROUP = Pattern.compile("\\(\\?[a-zA-Z-]*[:)]");

    /** What makes the pattern's shape unsafe on a backtracking engine; empty when none. */
    static List<String> shapeProblems(String regex) {
        List<String> problems = new ArrayList<>();
        // One frame per open group: {has a repeat inside, has alternation inside}.
        Deque<boolean[]> groups = new ArrayDeque<>();
        groups.push(new boolean[2]);
        boolean anchored = regex.startsWith("^") || regex.startsWith("\\A");
        // An unanchored pattern is tried at every position: before its first unbounded repeat it
        // needs a literal character, so that most attempts fail at once.
        boolean literalSeen = false;
        int i = 0;
        int n = regex.length();
        while (i < n) {
            char c = regex.charAt(i);
            boolean[] closed = null;
            boolean atom = true;
            boolean literal = false;
            if (c == '\\') {
                char x = i + 1 < n ? regex.charAt(i + 1) : ' ';
                if (x >= '1' && x <= '9' || x == 'k') {
                    problems.add("backreference at " + i);
                }
                literal = !Character.isLetterOrDigit(x);
                i += 2;
            } else if (c == '[') {
                i = endOfClass(regex, i);
            } else if (c == '(') {
                if (regex.startsWith("(?=", i)
                        || regex.startsWith("(?!", i)
                        || regex.startsWith("(?<=", i)
                        || regex.startsWith("(?<!", i)) {
                    // A lookaround of fixed short alternatives costs a constant; one with a
                    // repeat scans ahead (or behind) at every step of the match.
                    int end = endOfGroup(regex, i);
                    String inside = regex.substring(i, end);
                    if (inside.matches(".*[*+{].*")) {
                        problems.add("lookaround with a repeat at " + i);
                    }
                    i = end;
                    continue;
                }
                Matcher flags = FLAG_GROUP.matcher(regex).region(i, n);
                if (flags.lookingAt()) {
                    // (?i) sets flags and is no group; (?i: and (?: open one.
                    i = flags.end();
                    if (regex.charAt(i - 1) == ')') {
                        continue;
                    }
                } else if (regex.startsWith("(?<", i)) {
                    i = regex.indexOf('>', i) + 1;
                } else if (regex.startsWith("(?", i)) {
                    i += 3;
                } else {
                    i++;
                }
                groups.push(new boolean[2]);
                atom = false;
            } else if (c == ')') {
                closed = groups.size() > 1 ? groups.pop() : new boolean[2];
                i++;
            } else if (c == '|') {
                groups.peek()[1] = true;
                i++;
                atom = false;
            } else if (c == '^' || c == '$') {
                i++;
                atom = false;
            } else {
                literal = c != '.';
                i++;
            }
            if (!atom) {
                continue;
            }
            // The quantifier after this atom, if any.
            int q = i;
            boolean unbounded = false;
            boolean repeats = false;
            if (q < n && (regex.charAt(q) == '*' || regex.charAt(q) == '+')) {
                unbounded = true;
                repeats = true;
                q++;
            } else if (q < n && regex.charAt(q) == '?') {
                q++;
            } else if (q < n && regex.charAt(q) == '{') {
                int close = regex.indexOf('}', q);
                String body = regex.substring(q + 1, close);
                int comma = body.indexOf(',');
                unbounded = comma >= 0 && comma == body.length() - 1;
                repeats =
                        unbounded
                                || (comma >= 0
                                        ? Integer.parseInt(body.substring(comma + 1)) > 1
                                        : Integer.parseInt(body) > 1);
                q = close + 1;
            }
            boolean quantified = q > i;
            if (q < n && quantified && (regex.charAt(q) == '?' || regex.charAt(q) == '+')) {
                q++;
            }
            if (closed != null && repeats) {
                if (closed[0]) {
                    problems.add("repeat inside a repeated group, ending at " + (i - 1));
                }
                if (closed[1]) {
                    problems.add("alternation inside a repeated group, ending at " + (i - 1));
                }
            }
            if (!anchored && unbounded && !literalSeen) {
                problems.add(
                        "unanchored with an unbounded repeat before any literal character (retried"
                                + " from every character of a long run)");
            }
            literalSeen |= literal;
            boolean[] top = groups.peek();
            if (quantified) {
                top[0] = true;
            }
            if (closed != null) {
                top[0] |= closed[0];
                top[1] |= closed[1];
            }
            i = q;
        }
        return problems;
    }

    private static int endOfGroup(String regex, int open) {
        int depth = 0;
        int i = open;
        while (i < regex.length()) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                i = endOfClass(regex, i);
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
            i++;
        }
        return i;
    }

    private static int endOfClass(String regex, int open) {
        int i = open + 1;
        if (i < regex.length() && regex.charAt(i) == '^') {
            i++;
        }
        if (i < regex.length() && regex.charAt(i) == ']') {
            i++;
        }
        int depth = 1;
        while (i < regex.length() && depth > 0) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            i++;
        }
        return i;
    }

    private static boolean isStaticFinalField(List<String> lines, int i) {
        for (int k = i; k >= Math.max(0, i - 3); k--) {
            String l = lines.get(k);
            if (l.contains("static final Pattern ")) {
                return true;
            }
            if (k < i && l.strip().endsWith(";")) {
                return false;
            }
        }
        return false;
    }

    /** Every static java.util.regex.Pattern field of the decode package, by Class.FIELD. */
    static Map<String, String> patterns() throws IOException, URISyntaxException {
        Path classes =
                Path.of(Decoder.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .resolve("org/socengine/connectors/decode");
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace(File.separatorChar, '.');
                Class<?> c;
                try {
                    c =
                            Class.forName(
                                    "org.socengine.connectors.decode."
                                            + name.substring(0, name.length() - 6),
                                    true,
                                    DecoderPatternAuditTest.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new AssertionError("cannot load " + name, e);
                }
                for (Field field : c.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers())
                            && field.getType() == Pattern.class) {
                        field.setAccessible(true);
                        try {
                            out.put(
                                    c.getSimpleName() + "." + field.getName(),
                                    ((Pattern) field.get(null)).pattern());
                        } catch (IllegalAccessException e) {
                            throw new AssertionError(e);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static String quote(String pattern) {
        return "\"" + pattern.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
