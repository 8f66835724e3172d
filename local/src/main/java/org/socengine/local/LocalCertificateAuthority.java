package org.socengine.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority for the local services, made at run time with the JDK's {@code
 * keytool} (so the build needs no certificate library): a CA certificate in PEM and in a PKCS12
 * trust store, and server key stores it signs. Store passwords are random and reach {@code keytool}
 * through its environment, never its command line.
 */
public final class LocalCertificateAuthority {

    private static final String CA_ALIAS = "ca";
    private static final String PASSWORD_VARIABLE = "SOC_LOCAL_CA_STOREPASS";

    private final Path dir;
    private final String storePassword;

    private LocalCertificateAuthority(Path dir, String storePassword) {
        this.dir = dir;
        this.storePassword = storePassword;
    }

    /**
     * Makes a new CA under {@code dir} (replacing one made there before), with the given common
     * name, valid for a week.
     */
    public static LocalCertificateAuthority create(Path dir, String commonName) throws IOException {
        WorkDirs.ensure(dir);
        LocalCertificateAuthority ca = new LocalCertificateAuthority(dir, randomSecret());
        Files.deleteIfExists(ca.workStore());
        ca.keytool(
                "-genkeypair",
                "-alias",
                CA_ALIAS,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + commonName,
                "-ext",
                "bc:c",
                "-ext",
                "KeyUsage=keyCertSign,cRLSign",
                "-validity",
                "7");
        KeyStore work = ca.load(ca.workStore());
        try {
            Certificate caCert = work.getCertificate(CA_ALIAS);
            writePem(ca.caCertificate(), List.of(caCert));
            KeyStore trust = emptyStore();
            trust.setCertificateEntry(CA_ALIAS, caCert);
            ca.store(trust, ca.truststore());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the trust store", e);
        }
        return ca;
    }

    /** PEM file of the CA certificate. */
    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    /** PKCS12 trust store holding the CA certificate; its password is {@link #storePassword()}. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** Password of the trust store and of every key store this CA issued. */
    public String storePassword() {
        return storePassword;
    }

    /**
     * Issues a server key store ({@code <name>.p12}: the key, its certificate signed by this CA,
     * and the CA certificate as the rest of the chain) for the given common name and subject
     * alternative names (e.g. {@code ip:127.0.0.1}, {@code dns:localhost}). The certificate may
     * also serve as a client certificate.
     */
    public Path issueKeystore(String name, String commonName, List<String> subjectAltNames)
            throws IOException {
        keytool(
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=" + commonName,
                "-signer",
                CA_ALIAS,
                "-ext",
                "SAN=" + String.join(",", subjectAltNames),
                "-ext",
                "KeyUsage=digitalSignature,keyAgreement",
                "-ext",
                "EKU=serverAuth,clientAuth",
                "-validity",
                "7");
        KeyStore work = load(workStore());
        try {
            Key key = work.getKey(name, storePassword.toCharArray());
            Certificate leaf = work.getCertificate(name);
            Certificate caCert = work.getCertificate(CA_ALIAS);
            KeyStore out = emptyStore();
            out.setKeyEntry(
                    name, key, storePassword.toCharArray(), new Certificate[] {leaf, caCert});
            Path file = dir.resolve(name + ".p12");
            store(out, file);
            return file;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot assemble the key store of " + name, e);
        }
    }

    private Path workStore() {
        return dir.resolve("ca-work.p12");
    }

    private void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(
                List.of(
                        "-keystore",
                        workStore().toString(),
                        "-storetype",
                        "PKCS12",
                        "-storepass:env",
                        PASSWORD_VARIABLE));
        Path log = dir.resolve("keytool.log");
        ProcessBuilder pb =
                new ProcessBuilder(cmd)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().putAll(Map.of(PASSWORD_VARIABLE, storePassword));
        Process p = pb.start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool " + args[0] + " timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(
                    "keytool " + args[0] + " failed: " + Files.readString(log).strip());
        }
    }

    private KeyStore load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, storePassword.toCharArray());
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + file, e);
        }
    }

    private void store(KeyStore ks, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, storePassword.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write " + file, e);
        }
    }

    private static KeyStore emptyStore() throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("no PKCS12 key store in this JDK", e);
        }
    }

    private static void writePem(Path file, List<Certificate> certs) throws IOException {
        StringBuilder sb = new StringBuilder();
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (Certificate c : certs) {
            try {
                sb.append("-----BEGIN CERTIFICATE-----\n")
                        .append(b64.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encode a certificate", e);
            }
        }
        Files.writeString(file, sb, StandardCharsets.US_ASCII);
    }

    /**
     * A TLS context that trusts the CA certificates of a PEM file: how the launchers check that a
     * node they started with such a CA is up.
     */
    public static SSLContext trusting(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            if (i == 0) {
                throw new IOException("no certificate in " + caPem);
            }
            TrustManagerFactory tmf =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use CA certificate " + caPem + ": " + e.getMessage(), e);
        }
    }

    /** 24 random bytes in hex: a password nobody has to type. */
    public static String randomSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
