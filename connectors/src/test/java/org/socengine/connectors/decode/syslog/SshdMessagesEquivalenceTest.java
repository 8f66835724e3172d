package org.socengine.connectors.decode.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.core.RawRecord;
import org.socengine.connectors.decode.format.SyslogHeader;
import org.socengine.model.EventJson;
import org.socengine.model.SecurityEvent;

/**
 * Guarding each sshd pattern by its literal beginning, and scanning failed and accepted logins,
 * disconnects and PAM sessions by hand, changes no event: the same messages give the same fields as
 * the unguarded patterns ({@link RegexSshdMessages}, {@link RegexPamMessages}), for a message of
 * each kind, with the near misses of each guard, for every message of the repository's real and
 * fixture logs, for shapes built to sit on each boundary of the scans, and for random mutations of
 * them.
 */
class SshdMessagesEquivalenceTest {

    private static final String[] MESSAGES = {
        "Failed password for root from 203.0.113.9 port 52144 ssh2",
        "Failed password for invalid user admin from 203.0.113.9 port 52144 ssh2",
        "Failed password for invalid user from 203.0.113.9 port 22",
        "Failed publickey for git from host.example.org port 22",
        "Accepted publickey for user167 from 10.20.0.168 port 53898 ssh2: RSA SHA256:q1w2e3",
        "Accepted password for bob from 2001:db8::1 port 22 ssh2",
        "Invalid user oracle from 198.51.100.7 port 41234",
        "invalid user test from 198.51.100.7",
        "Postponed keyboard-interactive for invalid user x from 1.2.3.4 port 5 ssh2",
        "error: PAM: authentication error for illegal user bob from 1.2.3.4",
        "error: PAM: Authentication failure for root from 1.2.3.4",
        "Illegal user bob from 1.2.3.4",
        "illegal user bob from 1.2.3.4",
        "input_userauth_request: invalid user guest [preauth]",
        "User root from 1.2.3.4 not allowed because not listed in AllowUsers",
        "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser="
                + " rhost=1.2.3.4  user=root",
        "pam_unix(sshd:session): session opened for user bob(uid=1000) by (uid=0)",
        "pam_unix(sshd:session): session closed for user user269",
        "maximum authentication attempts exceeded for root from 1.2.3.4 port 22 ssh2 [preauth]",
        "error: maximum authentication attempts exceeded for invalid user x from 1.2.3.4 port 2",
        "Maximum authentication attempts exceeded for root from 1.2.3.4 port 22",
        "Disconnecting invalid user x 1.2.3.4 port 22: Too many authentication failures",
        "Disconnecting authenticating user root 1.2.3.4 port 22: Too many",
        "Received disconnect from 1.2.3.4 port 22:11: disconnected by user",
        "Disconnected from user bob 10.0.0.5 port 51234",
        "Disconnected from invalid user x 10.0.0.5 port 51234 [preauth]",
        "Disconnected from 10.0.0.5 port 51234",
        "Connection closed by authenticating user root 1.2.3.4 port 22 [preauth]",
        "Connection closed by 1.2.3.4 port 22 [preauth]",
        "Connection reset by 1.2.3.4 port 22",
        "Connection refused by nobody",
        "Did not receive identification string from 1.2.3.4 port 22",
        "Bad protocol version identification 'GET / HTTP/1.1' from 1.2.3.4 port 22",
        "fatal: Unable to negotiate with 1.2.3.4 port 22: no matching key exchange method",
        "Unable to negotiate with 1.2.3.4 port 22",
        "Read error from remote host 1.2.3.4 port 22: Connection reset by peer",
        "reverse mapping checking getaddrinfo for host.example [1.2.3.4] failed",
        "Address 1.2.3.4 maps to host.example, but this does not map back to the address",
        "Server listening on 0.0.0.0 port 22.",
        "pam_systemd(sshd:session): New session 3 of user bob.",
        "",
        "F",
        "error: ",
        "error: PAM: ",
        "Accepted publickey for user167 from 10.20.0.168 port 53898 ssh2",
        "pam_unix(sshd:session): session opened for user user7(uid=1007) by (uid=0)",
        "pam_unix(sshd:session): session closed for user user7",
        "Disconnected from user user7 10.20.0.8 port 41234",
    };

    /**
     * Shapes on the boundaries of the hand-written scans: user names with spaces and with the
     * scans' own keywords in them, "invalid user" where it is and is not a qualifier, IPv6, host
     * names, masked and bracketed addresses, a colon after the address, no port, a port that is not
     * a number, trailing words, [preauth], tabs and text outside ASCII (left to the patterns).
     */
    private static final String[] SHAPES = {
        "Failed password for john smith from 10.0.0.1 port 22 ssh2",
        "Failed password for invalid user john smith from 10.0.0.1 port 22 ssh2",
        "Failed password for invalid user  from 10.0.0.1 port 22 ssh2",
        "Failed password for  from 10.0.0.1 port 22 ssh2",
        "Failed password for invalid user invalid user x from 10.0.0.1 port 22",
        "Failed password for x from y from 10.0.0.1 port 22 ssh2",
        "Failed password for x from 10.0.0.1 from 10.0.0.2 port 22 ssh2",
        "Failed password for x from 10.0.0.1 port x from 10.0.0.2 port 23",
        "Failed password for x from from 10.0.0.1 port 22",
        "Failed password for x from 10.0.0.1 port 22 port 23",
        "Failed password for x port 22 from 10.0.0.1 port 22",
        "Failed password for root from 2001:db8::1 port 22 ssh2",
        "Failed password for root from ::ffff:10.0.0.1 port 22 ssh2",
        "Failed password for root from fe80::1%eth0 port 22 ssh2",
        "Failed password for root from host-1.example.org port 22 ssh2",
        "Failed password for root from 10.1.2.* port 22 ssh2",
        "Failed password for root from [10.0.0.1] port 22 ssh2",
        "Failed password for root from 10.0.0.1: port 22 ssh2",
        "Failed password for root from 10.0.0.1:22 port 22 ssh2",
        "Failed password for root from 10.0.0.1 port 22",
        "Failed password for root from 10.0.0.1 port 22 ",
        "Failed password for root from 10.0.0.1 port 22 ssh2 [preauth]",
        "Failed password for root from 10.0.0.1 port 22ssh2",
        "Failed password for root from 10.0.0.1 port 99999999999 ssh2",
        "Failed password for root from 10.0.0.1 port ssh2",
        "Failed password for root from 10.0.0.1 port",
        "Failed password for root from 10.0.0.1",
        "Failed password for root from 10.0.0.1 port  22",
        "Failed password for root from  10.0.0.1 port 22",
        "Failed password for root from 10.0.0.1  port 22",
        "Failed password for root from 10.0.0.1/24 port 22",
        "Failed password for root from 10.0.0.1",
        "Failed none for invalid user admin from 10.0.0.1 port 22 ssh2",
        "Failed  password for root from 10.0.0.1 port 22",
        "Failed password  for root from 10.0.0.1 port 22",
        "Failed password for",
        "Failed password",
        "Failed ",
        "Failed password for root\tx from 10.0.0.1 port 22 ssh2",
        "Failed password for root from 10.0.0.1\tport 22 ssh2",
        "Failed password for r\u00f6ot from 10.0.0.1 port 22 ssh2",
        "Failed password for root from 10.0.0.1 port 22 ssh2\u2028x",
        "Failed password for root\u0085 from 10.0.0.1 port 22 ssh2",
        "Failed password for root from 10.0.0.\u00b9 port 22 ssh2",
        "Accepted password for john smith from 10.0.0.1 port 22 ssh2",
        "Accepted password for invalid user x from 10.0.0.1 port 22 ssh2",
        "Accepted publickey for git from 2001:db8:0:0:0:0:0:1 port 22 ssh2: ED25519 SHA256:abc",
        "Accepted keyboard-interactive/pam for root from host.example port 2222 ssh2",
        "Accepted publickey for root from 10.0.0.1 port 22",
        "Accepted publickey for root from 10.0.0.1",
        "Accepted publickey for root from 10.0.0.1 port 0x16 ssh2",
        "Accepted publickey for  from 10.0.0.1 port 22 ssh2",
        "Accepted publickey for root from 10.0.0.1 port 22 ssh2 [preauth]",
        "Accepted publickey for root from 10.0.0.1]  port 22 ssh2",
        "Accepted gssapi-with-mic for u@REALM from 10.0.0.1 port 22 ssh2",
        "Accepted publickey for root from 10.0.0.1 port 22\r",
        "Accepted",
        "Disconnected from user john smith 10.0.0.1 port 22",
        "Disconnected from user bob 10.0.0.1",
        "Disconnected from user bob 10.0.0.1 port",
        "Disconnected from user bob 10.0.0.1 port x",
        "Disconnected from user bob 10.0.0.1: port 22",
        "Disconnected from user bob 10.0.0.1:",
        "Disconnected from user bob 10.0.0.1::",
        "Disconnected from user bob :",
        "Disconnected from user bob ::",
        "Disconnected from user bob [10.0.0.1]",
        "Disconnected from user bob 10.0.0.1] port 22",
        "Disconnected from user bob /x",
        "Disconnected from user bob",
        "Disconnected from user ",
        "Disconnected from user",
        "Disconnected from invalid user bob 10.0.0.1 port 22 [preauth]",
        "Disconnected from authenticating user bob 10.0.0.1 port 22 [preauth]",
        "Disconnected from invalid user 10.0.0.1 port 22",
        "Disconnected from invalid bob 10.0.0.1 port 22",
        "Disconnected from invalid user bob /x port 22",
        "Disconnected from 2001:db8::1 port 22",
        "Disconnected from host.example port 22",
        "Disconnected from  10.0.0.1 port 22",
        "Disconnected from10.0.0.1 port 22",
        "Disconnected from 10.0.0.1 port 22 [preauth]",
        "Disconnected from 10.0.0.1: port 22",
        "Disconnected from 10.0.0.1 port 22: 11: Bye Bye",
        "Disconnected from 10.0.0.1[x",
        "Disconnected from user bob 10.0.0.1 port 22\tx",
        "Disconnected from user b\u00f6b 10.0.0.1 port 22",
        "Received disconnect from 10.0.0.1 port 22:11: Bye Bye [preauth]",
        "Received disconnect from 10.0.0.1: 11: Bye Bye",
        "Received disconnect from user bob 10.0.0.1 port 22",
        "Received disconnect from 10.0.0.1",
        "Received disconnect from",
        "Connection closed by 10.0.0.1 port 22 [preauth]",
        "Connection closed by invalid user admin 10.0.0.1 port 22 [preauth]",
        "Connection closed by authenticating user root 2001:db8::2 port 22 [preauth]",
        "Connection closed by user 10.0.0.1 port 22",
        "Connection reset by 10.0.0.1 port 22 [preauth]",
        "Connection reset by invalid user x 10.0.0.1 port 22",
        "Connection reset by peer",
        "Connection closed by",
        "pam_unix(sshd:session): session opened for user root by (uid=0)",
        "pam_unix(sshd:session): session opened for user root(uid=0) by root(uid=0)",
        "pam_unix(sshd:session): session opened for user root(uid=0) by",
        "pam_unix(sshd:session): session opened for user root(uid=0) by ",
        "pam_unix(sshd:session): session opened for user root(uid=) by (uid=0)",
        "pam_unix(sshd:session): session opened for user root(uid=0 by (uid=0)",
        "pam_unix(sshd:session): session opened for user root(gid=0) by (uid=0)",
        "pam_unix(sshd:session): session opened for user root(uid=0)x by (uid=0)",
        "pam_unix(sshd:session): session opened for user root  by (uid=0)",
        "pam_unix(sshd:session): session opened for user (uid=0) by (uid=0)",
        "pam_unix(sshd:session): session opened for user  root",
        "pam_unix(sshd:session): session opened for user",
        "pam_unix(sshd:session): session opened for root",
        "pam_unix(sshd:session): session closed for user root(uid=0)",
        "pam_unix(sshd:session): session started for user root",
        "pam_unix(sshd (x):session): session opened for user root by (uid=0)",
        "pam_unix(sshd)x:session): session opened for user root",
        "pam_unix(:session): session opened for user root",
        "pam_unix(sshd:sessions): session opened for user root",
        "pam_unix (sshd:session): session opened for user root",
        "pam_(sshd:session): session opened for user root",
        "pam_systemd(sshd:session): session opened for user root",
        "pam_unix(sshd:session): session opened for user ro\u00f6t by (uid=0)",
        "pam_unix(sshd:session): session opened for user root\tby (uid=0)",
        "pam_unix(sshd:session): session opened for user root by r\u00f6ot(uid=0)",
        "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.1",
        "pam_unix(sshd:session): authentication failure; session opened for user root",
        "pam_unix(sshd:session): session opened for user root): authentication failure;",
        "Failed password for root from 10.0.0.1 port 22 ssh2 [preauth] [preauth]",
        "Accepted publickey for [preauth] from 10.0.0.1 port 22",
    };

    private static void same(Iterable<String> messages) {
        for (String msg : messages) {
            assertThat(event(true, msg)).as("%s", msg).isEqualTo(event(false, msg));
        }
    }

    private static String event(boolean guarded, String msg) {
        SecurityEvent e = new SecurityEvent();
        if (guarded) {
            SshdMessages.parse(msg, e);
        } else {
            RegexSshdMessages.parse(msg, e);
        }
        return EventJson.toJson(e);
    }

    @Test
    void everyKindOfMessageGivesTheSameEvent() {
        for (String msg : MESSAGES) {
            assertThat(event(true, msg)).as("%s", msg).isEqualTo(event(false, msg));
        }
    }

    @Test
    void shapesOnTheScansBoundariesGiveTheSameEvent() {
        same(List.of(SHAPES));
    }

    /**
     * Every message of the repository's real auth log, Wazuh's sshd tests and the syslog fuzz
     * seeds, whatever its program: the parsers must agree on text they were not written for too.
     */
    @Test
    void theRepositorysLogsGiveTheSameEvent() throws IOException {
        List<String> messages = new ArrayList<>();
        for (Path f :
                List.of(
                        Path.of(
                                "..",
                                "testdata",
                                "realdata",
                                "3-linux-auth",
                                "elastic_examples_auth.log"),
                        Path.of("src", "test", "resources", "samples", "wazuh", "sshd.ini"))) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                messages.add(
                        message(
                                line.startsWith("log ")
                                        ? line.substring(line.indexOf("= ") + 2)
                                        : line));
            }
        }
        Path seeds =
                Path.of(
                        "src",
                        "test",
                        "resources",
                        "org",
                        "socengine",
                        "connectors",
                        "decode",
                        "DecoderFuzzTestInputs",
                        "syslog");
        try (Stream<Path> files = Files.list(seeds)) {
            for (Path f : files.toList()) {
                new String(Files.readAllBytes(f), StandardCharsets.UTF_8)
                        .lines()
                        .forEach(line -> messages.add(message(line)));
            }
        }
        assertThat(messages).hasSizeGreaterThan(7_000);
        assertThat(messages.stream().filter(m -> m.startsWith("Accepted ")).count())
                .isGreaterThan(50);
        assertThat(messages.stream().filter(m -> m.startsWith("pam_unix(sshd:session)")).count())
                .isGreaterThan(50);
        same(messages);
    }

    /** The message after the syslog header and tag, or the whole line when it has none. */
    private static String message(String line) {
        RawRecord record = RawRecord.of("syslog", line);
        record.kafkaTimestamp = 1_795_852_800_000L;
        try {
            SyslogHeader h = SyslogHeader.parse(line, record, DecoderOptions.defaults());
            return h == null ? line : h.message();
        } catch (DecodeException e) {
            return line;
        }
    }

    /**
     * Mutations anywhere in the message (not only its beginning, which the guards read) and splices
     * of the scans' own keywords, over every message kind and boundary shape.
     */
    @Test
    void mutationsAnywhereGiveTheSameEvent() {
        String alphabet = " :[]().0123456789aefilmrsuxAEFIMRU'-%*_/@\t\u00e9";
        String[] splices = {
            " from ",
            " port ",
            "invalid user ",
            "authenticating ",
            " for ",
            "user ",
            " by ",
            "(uid=",
            "(uid=0)",
            ")",
            ":session): session ",
            ": ",
            ":",
            "]",
            " ssh2",
            " [preauth]"
        };
        List<String> seeds = new ArrayList<>(List.of(MESSAGES));
        seeds.addAll(List.of(SHAPES));
        Random random = new Random(20261205);
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            StringBuilder b = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
            for (int k = random.nextInt(3); k >= 0; k--) {
                int at = random.nextInt(b.length() + 1);
                switch (random.nextInt(4)) {
                    case 0 -> {
                        if (at < b.length()) {
                            b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                    }
                    case 1 -> {
                        if (at < b.length()) {
                            b.deleteCharAt(at);
                        }
                    }
                    case 2 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> b.insert(at, splices[random.nextInt(splices.length)]);
                }
            }
            messages.add(b.toString());
        }
        same(messages);
    }

    @Test
    void randomMutationsGiveTheSameEvent() {
        String alphabet = " :[]().0123456789aefilmrsuxAEFIMRU'-";
        Random random = new Random(18);
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            StringBuilder b = new StringBuilder(MESSAGES[random.nextInt(MESSAGES.length)]);
            for (int k = random.nextInt(3); k >= 0 && b.length() > 0; k--) {
                int at = random.nextInt(Math.min(b.length(), 12));
                switch (random.nextInt(3)) {
                    case 0 -> b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> b.deleteCharAt(at);
                    default -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            messages.add(b.toString());
        }
        for (String msg : messages) {
            assertThat(event(true, msg)).as("%s", msg).isEqualTo(event(false, msg));
        }
    }
}
