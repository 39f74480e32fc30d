package dev.npufleet.broker;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Properties;

import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/** The embedded broker's data directory on disk: create, format once, delete. Any thread. */
final class DataDir {

    private DataDir() {
    }

    /**
     * Writes server.properties and, for a new data directory, runs StorageTool's format in-process
     * (it returns a code, never exits). A formatted directory is reused as it is.
     */
    static void format(Properties props, Path dir, Path logDir) {
        Path file = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(file, UTF_8)) {
            props.store(w, "npufleet embedded broker");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return; // a kept data directory (or an earlier attempt): format would demand its cluster id
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", file.toString()}, ps);
        } catch (Exception e) {
            throw new EmbeddedKafkaException("Formatting " + dir + " failed: " + e.getMessage()
                    + " " + out.toString(UTF_8).strip(), e);
        }
        if (rc != 0) {
            throw new EmbeddedKafkaException("Formatting " + dir + " failed (exit " + rc + "): "
                    + out.toString(UTF_8).strip());
        }
    }

    static Path createTemp() {
        try {
            return Files.createTempDirectory("npufleet-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary data directory", e);
        }
    }

    static Path create(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create data directory " + dir, e);
        }
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
        }
    }
}
