package io.contrastream.job.io.file;

import io.contrastream.job.export.ModelFile;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes each model file of the trainer's models output to a directory: {@code
 * <model>-v<version>.safetensors} (the model name URL-encoded, so any name is a safe file name),
 * and {@code <model>.safetensors}, the newest, replaced atomically. Like {@link JsonLinesSink}, not
 * transactional and meant for {@code replay}, which runs without restarts.
 */
public final class ModelFilesSink implements Sink<byte[]> {

    private static final long serialVersionUID = 1L;

    /** File name suffix of a model file. */
    public static final String SUFFIX = ".safetensors";

    private final String dir;

    /**
     * @param dir the directory written (created if missing)
     */
    public ModelFilesSink(Path dir) {
        this.dir = dir.toAbsolutePath().toString();
    }

    @Override
    public SinkWriter<byte[]> createWriter(WriterInitContext context) throws IOException {
        Path d = Path.of(dir);
        Files.createDirectories(d);
        return new SinkWriter<>() {
            @Override
            public void write(byte[] file, Context context) throws IOException {
                ModelFile model = ModelFile.read(file);
                String name = URLEncoder.encode(model.model(), StandardCharsets.UTF_8);
                Files.write(d.resolve(name + "-v" + model.modelVersion() + SUFFIX), file);
                Path tmp = d.resolve("." + name + SUFFIX + ".tmp");
                Files.write(tmp, file);
                Files.move(
                        tmp,
                        d.resolve(name + SUFFIX),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** The newest file of {@code model} in {@code dir}. */
    public static Path latest(Path dir, String model) {
        return dir.resolve(URLEncoder.encode(model, StandardCharsets.UTF_8) + SUFFIX);
    }
}
