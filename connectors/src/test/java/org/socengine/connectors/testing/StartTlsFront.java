package org.socengine.connectors.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * STARTTLS in front of a real SMTP server that has none (GreenMail speaks plain SMTP and SMTPS
 * only): a loopback listener that greets, offers only STARTTLS, refuses everything else in clear
 * text, upgrades the connection with a certificate made for the test, and from then on relays the
 * client's bytes to the SMTP server and back. So the client must really negotiate STARTTLS before
 * it can authenticate and send.
 */
public final class StartTlsFront implements AutoCloseable {

    private final ServerSocket listener;
    private final int upstreamPort;
    private final SSLContext tls;
    private final List<String> clearTextCommands = new CopyOnWriteArrayList<>();
    private volatile int upgraded;

    /**
     * @param keyStore a PKCS12 file with the server's key and certificate (see {@link
     *     #selfSignedFor127001})
     */
    public StartTlsFront(int upstreamPort, Path keyStore, char[] password) throws Exception {
        this.upstreamPort = upstreamPort;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, password);
        }
        KeyManagerFactory kmf =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::accept, "starttls-front");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Makes a key store with a self-signed certificate for 127.0.0.1 (JDK keytool) in {@code dir},
     * and its certificate as PEM beside it ({@code server.pem}), for the client's {@code ca_file}.
     */
    public static Path selfSignedFor127001(Path dir, String password) throws Exception {
        Path ks = dir.resolve("server.p12");
        Path pem = dir.resolve("server.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(
                keytool,
                "-genkeypair",
                "-alias",
                "smtp",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                ks.toString(),
                "-storepass",
                password);
        run(
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "smtp",
                "-keystore",
                ks.toString(),
                "-storepass",
                password,
                "-file",
                pem.toString());
        return ks;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** What clients said before TLS (EHLO, STARTTLS, and anything refused). */
    public List<String> clearTextCommands() {
        return List.copyOf(clearTextCommands);
    }

    /** Connections upgraded to TLS. */
    public int upgraded() {
        return upgraded;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                Thread t = new Thread(() -> serve(s), "starttls-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            write(out, "220 localhost ESMTP starttls-front");
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                clearTextCommands.add(line);
                String cmd = line.toUpperCase(Locale.ROOT);
                if (cmd.startsWith("EHLO")) {
                    write(out, "250-localhost\r\n250-STARTTLS\r\n250 8BITMIME");
                } else if (cmd.startsWith("HELO")) {
                    write(out, "250 localhost");
                } else if (cmd.startsWith("QUIT")) {
                    write(out, "221 bye");
                    return;
                } else if (cmd.startsWith("STARTTLS")) {
                    write(out, "220 2.0.0 Ready to start TLS");
                    SSLSocket secure =
                            (SSLSocket)
                                    tls.getSocketFactory()
                                            .createSocket(client, null, client.getPort(), false);
                    secure.setUseClientMode(false);
                    secure.startHandshake();
                    upgraded++;
                    relay(secure);
                    return;
                } else {
                    write(out, "530 5.7.0 Must issue a STARTTLS command first");
                }
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    private void relay(SSLSocket secure) throws IOException {
        try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
            InputStream upIn = upstream.getInputStream();
            // The server's greeting was ours already; the client goes on with EHLO.
            readLine(upIn);
            Thread back =
                    new Thread(
                            () -> {
                                try {
                                    upIn.transferTo(secure.getOutputStream());
                                    secure.close();
                                } catch (IOException ignored) {
                                    // closed
                                }
                            },
                            "starttls-back");
            back.setDaemon(true);
            back.start();
            secure.getInputStream().transferTo(upstream.getOutputStream());
        }
    }

    private static void write(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** One line, byte by byte: reading ahead would swallow the start of the TLS handshake. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
