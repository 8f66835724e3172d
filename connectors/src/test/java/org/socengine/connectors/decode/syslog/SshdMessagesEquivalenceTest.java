package org.socengine.connectors.decode.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.socengine.model.EventJson;
import org.socengine.model.SecurityEvent;

/**
 * Guarding each sshd pattern by its literal beginning changes no event: the same messages give the
 * same fields as the unguarded patterns ({@link RegexSshdMessages}), for a message of each kind,
 * with the near misses of each guard, and for random mutations of them.
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
    };

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
