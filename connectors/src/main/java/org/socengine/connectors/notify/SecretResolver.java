package org.socengine.connectors.notify;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a secret reference from a channel's settings ({@code env:NAME} or {@code file:PATH}) into
 * the secret. Errors name the reference, never a value. Serializable, because the dispatcher
 * resolves secrets where it runs (a task manager), not where the job is built.
 */
@FunctionalInterface
public interface SecretResolver extends Serializable {

    String resolve(String reference);

    static boolean isReference(String value) {
        return value != null
                && ((value.startsWith("env:") && value.length() > 4)
                        || (value.startsWith("file:") && value.length() > 5));
    }

    /** Environment variables and files (trailing line breaks of a file are dropped). */
    static SecretResolver environmentAndFiles() {
        return EnvironmentAndFiles.INSTANCE;
    }

    /** The default resolver. */
    enum EnvironmentAndFiles implements SecretResolver {
        INSTANCE;

        @Override
        public String resolve(String reference) {
            if (reference != null && reference.startsWith("env:")) {
                String name = reference.substring(4);
                String v = System.getenv(name);
                if (v == null || v.isEmpty()) {
                    throw new IllegalArgumentException(
                            "secret reference " + reference + " is not set in the environment");
                }
                return v;
            }
            if (reference != null && reference.startsWith("file:")) {
                Path path = Path.of(reference.substring(5));
                try {
                    String v = Files.readString(path, StandardCharsets.UTF_8).strip();
                    if (v.isEmpty()) {
                        throw new IllegalArgumentException(
                                "secret reference " + reference + " is an empty file");
                    }
                    return v;
                } catch (IOException e) {
                    throw new IllegalArgumentException(
                            "secret reference "
                                    + reference
                                    + " cannot be read ("
                                    + e.getClass().getSimpleName()
                                    + ")");
                }
            }
            throw new IllegalArgumentException(
                    "not a secret reference (env:NAME or file:PATH): "
                            + org.socengine.connectors.secrets.Redaction.MASK);
        }
    }
}
