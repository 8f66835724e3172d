package org.socengine.connectors.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.socengine.connectors.secrets.Redaction;

/**
 * Says in one line what went wrong talking to Kafka, in terms an operator can act on (refused
 * credentials, an untrusted broker certificate, a missing ACL, no answer), and checks a connection
 * before a job or command relies on it. Never includes a secret.
 */
public final class KafkaConnections {

    private KafkaConnections() {}

    /**
     * Connects as the settings say and asks the cluster for its nodes, within the timeout.
     *
     * @throws IOException with {@link #describe}'s one line when the broker cannot be reached or
     *     refuses the client
     */
    public static void check(KafkaSettings settings, Duration timeout) throws IOException {
        Properties p = settings.toProperties();
        int ms = (int) Math.max(1_000, timeout.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 10_000));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        // One quick attempt per address; the default back-off would outlast the timeout.
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException(describe(e.getCause(), settings), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(describe(e, settings), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to Kafka", e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IOException(describe(e, settings), e);
        }
    }

    /** One line for an error from a Kafka client built from these settings. */
    public static String describe(Throwable e, KafkaSettings s) {
        String at = "Kafka at " + Redaction.text(s.bootstrapServers());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SaslAuthenticationException) {
                return at
                        + " refused the credentials of user "
                        + (s.saslUsername() == null ? "(none named)" : s.saslUsername())
                        + " ("
                        + s.saslMechanism()
                        + ")";
            }
            if (t instanceof SslAuthenticationException) {
                String why = sslReason(t);
                if (why.contains("subject alternative name") || why.contains("No name matching")) {
                    return "the broker's certificate does not name the address it was reached at ("
                            + at
                            + "): "
                            + why;
                }
                if (why.contains("PKIX") || why.contains("certification path")) {
                    return "the broker's certificate is not trusted by the configured CA ("
                            + s.trustDescription()
                            + "): "
                            + at;
                }
                return "TLS with " + at + " failed (" + s.trustDescription() + "): " + why;
            }
            if (t instanceof TopicAuthorizationException ta) {
                return at
                        + " denied "
                        + who(s)
                        + " access to topic(s) "
                        + String.join(", ", ta.unauthorizedTopics())
                        + " (missing ACL)";
            }
            if (t instanceof GroupAuthorizationException ga) {
                return at
                        + " denied "
                        + who(s)
                        + " the consumer group "
                        + ga.groupId()
                        + " (missing ACL)";
            }
            if (t instanceof AuthorizationException) {
                return at + " denied " + who(s) + ": " + Redaction.text(t.getMessage());
            }
            if (t instanceof java.util.concurrent.TimeoutException
                    || t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return "no answer from "
                        + at
                        + " in time (is it running, and does its listener speak "
                        + s.securityProtocol()
                        + "?)";
            }
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return at + ": " + Redaction.text(msg.lines().findFirst().orElse(msg));
    }

    /**
     * Whether waiting cannot fix the error: refused credentials, an untrusted certificate, a
     * missing ACL.
     */
    public static boolean isConfigurationError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.AuthenticationException
                    || t instanceof AuthorizationException) {
                return true;
            }
        }
        return false;
    }

    private static String who(KafkaSettings s) {
        return s.saslUsername() == null ? "this client" : "user " + s.saslUsername();
    }

    /**
     * The innermost message of an SSL failure: the certificate problem, not "SSL handshake failed".
     */
    private static String sslReason(Throwable t) {
        String reason = t.getMessage();
        for (Throwable c = t.getCause(); c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                reason = c.getMessage();
            }
        }
        return reason == null ? t.getClass().getSimpleName() : reason;
    }
}
