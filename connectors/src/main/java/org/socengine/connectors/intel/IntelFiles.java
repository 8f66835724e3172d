package org.socengine.connectors.intel;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.socengine.model.Json;

/**
 * Reads indicator files: CSV ({@code .csv}, {@link CsvFeed}), STIX 2.1 bundles and MISP event
 * exports ({@code .json}, told apart by their content). A folder is read file by file in name
 * order; other files in it are left alone.
 */
public final class IntelFiles {

    private IntelFiles() {}

    public static FeedLoad load(Path fileOrDir) throws IOException {
        FeedLoad load = new FeedLoad();
        load(fileOrDir, load);
        return load;
    }

    public static void load(Path fileOrDir, FeedLoad into) throws IOException {
        if (Files.isDirectory(fileOrDir)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(fileOrDir)) {
                files = s.filter(Files::isRegularFile).filter(IntelFiles::isFeed).sorted().toList();
            }
            if (files.isEmpty()) {
                into.problem(fileOrDir.toString(), "no .csv or .json files");
            }
            for (Path f : files) {
                loadFile(f, into);
            }
        } else if (Files.isRegularFile(fileOrDir)) {
            loadFile(fileOrDir, into);
        } else {
            throw new IOException("no such file or folder: " + fileOrDir);
        }
    }

    private static boolean isFeed(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".json");
    }

    private static void loadFile(Path f, FeedLoad into) throws IOException {
        into.files++;
        String name = f.toString();
        String text = Files.readString(f, StandardCharsets.UTF_8);
        if (name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            CsvFeed.read(text, name, "csv:" + f.getFileName(), into);
            return;
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            into.problem(name, "not JSON: " + e.getOriginalMessage());
            return;
        }
        if (root == null) {
            into.problem(name, "empty file");
        } else if (StixBundle.is(root)) {
            StixBundle.read(root, name, into);
        } else if (MispEvent.is(root)) {
            MispEvent.read(root, name, into);
        } else {
            into.problem(
                    name,
                    "neither a STIX 2.1 bundle (\"type\": \"bundle\") nor a MISP event export (\"Event\")");
        }
    }
}
