package org.socengine.jobs.detection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/**
 * Java serialization of what Flink cannot type (compiled rules, engine state), read back through
 * the job's class loader rather than the JDK's: Flink runs user code in its own.
 */
final class JavaSerialization {

    private JavaSerialization() {}

    static byte[] write(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> T read(byte[] bytes, Class<T> type) {
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes)) {
                    @Override
                    protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
                            throws IOException, ClassNotFoundException {
                        return Class.forName(
                                desc.getName(), false, JavaSerialization.class.getClassLoader());
                    }
                }) {
            return type.cast(in.readObject());
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot read a serialized " + type.getSimpleName(), e);
        }
    }
}
