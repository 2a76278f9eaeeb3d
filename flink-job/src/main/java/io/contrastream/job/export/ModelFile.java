package io.contrastream.job.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.encoder.Encoder;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.learner.OnlineLearner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model as a file: the encoder's parameters in the <a
 * href="https://github.com/huggingface/safetensors">safetensors</a> format (an 8-byte little-endian
 * header length, a JSON header, then the tensors as little-endian float32, row-major), which
 * PyTorch users load with one call ({@code safetensors.torch.load_file}) and numpy reads in a few
 * lines; the model's configuration travels in the header's {@code __metadata__} (string to string,
 * as the format asks).
 *
 * <p>Tensors carry PyTorch's names and layouts, so that a file loads into the equivalent module:
 *
 * <ul>
 *   <li>linear ({@code nn.Linear(in, out)}): {@code weight} [out, in], {@code bias} [out];
 *   <li>MLP ({@code nn.Sequential(nn.Linear(in, h), nn.ReLU(), nn.Linear(h, out))}): {@code
 *       0.weight} [h, in], {@code 0.bias} [h], {@code 2.weight} [out, h], {@code 2.bias} [out];
 *   <li>identity: no tensor.
 * </ul>
 *
 * A model that standardises its inputs also carries {@code input.mean} and {@code input.scale}
 * [in], float64: the encoder sees {@code (x - input.mean) * input.scale}. Pop them before {@code
 * load_state_dict} (or load with {@code strict=False}) and apply them to the inputs. A file without
 * them takes raw inputs.
 *
 * <p>Metadata keys: {@code format} ({@value #FORMAT}), {@code format_version} ({@value #VERSION}),
 * {@code model}, {@code model_version} (updates applied), {@code encoder} (identity, linear, mlp),
 * {@code input_dim}, {@code embedding_dim}, {@code hidden_dim}, {@code normalize} (L2-normalised
 * embeddings), {@code loss} (euclidean, cosine), {@code margin}, {@code threshold} (the alert
 * threshold when written; distance units, {@code 1 - similarity} for cosine), {@code standardize}
 * (none, frozen, decaying: how the model's statistics were kept; the tensors say how to apply
 * them).
 *
 * <p>Reading checks everything before trusting it: the header length against the file, JSON shape,
 * dtype F32 only, shapes against the declared configuration, data offsets inside the file and not
 * overlapping, and finite values. A file that fails names the problem.
 */
public final class ModelFile {

    /** The {@code format} metadata value. */
    public static final String FORMAT = "contrastream-model";

    /** The {@code format_version} this engine writes and reads. */
    public static final String VERSION = "1";

    /** Largest header accepted: 1 MiB (a model's header is a few hundred bytes). */
    private static final long MAX_HEADER = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> metadata;
    private final EncoderConfig encoderConfig;
    private final int inputDim;
    private final float[] parameters;
    private final double[] inputMean;
    private final double[] inputScale;

    /** Names of the standardisation tensors. */
    public static final String INPUT_MEAN = "input.mean";

    public static final String INPUT_SCALE = "input.scale";

    private ModelFile(
            Map<String, String> metadata,
            EncoderConfig encoderConfig,
            int inputDim,
            float[] parameters,
            double[] inputMean,
            double[] inputScale) {
        this.metadata = metadata;
        this.encoderConfig = encoderConfig;
        this.inputDim = inputDim;
        this.parameters = parameters;
        this.inputMean = inputMean;
        this.inputScale = inputScale;
    }

    /** The file of a learner's current model. */
    public static byte[] write(String model, OnlineLearner learner) {
        EncoderConfig enc = learner.config().encoder();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", VERSION);
        meta.put("model", model);
        meta.put("model_version", Long.toString(learner.modelVersion()));
        meta.put("encoder", enc.kind().name().toLowerCase(Locale.ROOT));
        meta.put("input_dim", Integer.toString(learner.inputDim()));
        meta.put("embedding_dim", Integer.toString(learner.embeddingDim()));
        meta.put(
                "hidden_dim",
                Integer.toString(enc.kind() == EncoderKind.MLP ? enc.hiddenDim() : 0));
        meta.put("normalize", Boolean.toString(enc.normalize()));
        meta.put("loss", learner.config().lossForm().name().toLowerCase(Locale.ROOT));
        meta.put("margin", Double.toString(learner.config().margin()));
        meta.put("threshold", Double.toString(learner.threshold()));
        meta.put(
                "standardize",
                learner.config().standardization().mode().name().toLowerCase(Locale.ROOT));
        float[] params = learner.parametersCopy();
        double[][] standardization = learner.standardizationCopy();
        return encode(
                meta,
                tensors(enc, learner.inputDim(), params.length),
                params,
                standardization == null ? null : standardization[0],
                standardization == null ? null : standardization[1]);
    }

    /** Reads and checks a file. */
    public static ModelFile read(byte[] file) throws IOException {
        if (file.length < 8) {
            throw new IOException("not a safetensors file: " + file.length + " bytes");
        }
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > file.length) {
            throw new IOException(
                    "safetensors header length " + headerLength + " does not fit the file");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(file, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("safetensors header is not JSON: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new IOException("safetensors header is not a JSON object");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode m = header.get("__metadata__");
        if (m == null || !m.isObject()) {
            throw new IOException("no __metadata__: not a Contrastream model file");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            meta.put(e.getKey(), e.getValue().asText());
        }
        if (!FORMAT.equals(meta.get("format")) || !VERSION.equals(meta.get("format_version"))) {
            throw new IOException(
                    "metadata says format "
                            + meta.get("format")
                            + " version "
                            + meta.get("format_version")
                            + "; this engine reads "
                            + FORMAT
                            + " version "
                            + VERSION);
        }
        EncoderKind kind = EncoderKind.valueOf(required(meta, "encoder").toUpperCase(Locale.ROOT));
        int in = positive(meta, "input_dim");
        int out = positive(meta, "embedding_dim");
        int hidden = kind == EncoderKind.MLP ? positive(meta, "hidden_dim") : 0;
        EncoderConfig enc =
                new EncoderConfig(
                        kind,
                        kind == EncoderKind.IDENTITY ? 0 : out,
                        hidden,
                        Boolean.parseBoolean(required(meta, "normalize")),
                        Initialization.PYTORCH_UNIFORM);
        int count = enc.create(in).parameterCount();
        List<Tensor> expected = tensors(enc, in, count);
        float[] params = new float[count];
        long dataStart = 8 + headerLength;
        long dataLength = file.length - dataStart;
        long covered = 0;
        for (Tensor t : expected) {
            JsonNode node = header.get(t.name);
            if (node == null) {
                throw new IOException("tensor " + t.name + " is missing");
            }
            if (!"F32".equals(node.path("dtype").asText())) {
                throw new IOException(
                        "tensor " + t.name + " has dtype " + node.path("dtype") + ", expected F32");
            }
            JsonNode shape = node.path("shape");
            if (!shape.isArray() || shape.size() != t.shape.length) {
                throw new IOException("tensor " + t.name + " has shape " + shape);
            }
            for (int k = 0; k < t.shape.length; k++) {
                if (shape.get(k).asLong() != t.shape[k]) {
                    throw new IOException(
                            "tensor "
                                    + t.name
                                    + " has shape "
                                    + shape
                                    + ", the metadata asks for "
                                    + java.util.Arrays.toString(t.shape));
                }
            }
            JsonNode offsets = node.path("data_offsets");
            long begin = offsets.path(0).asLong(-1);
            long end = offsets.path(1).asLong(-1);
            if (begin < 0 || end != begin + 4L * t.length || end > dataLength) {
                throw new IOException("tensor " + t.name + " has data_offsets " + offsets);
            }
            ByteBuffer data =
                    ByteBuffer.wrap(file, (int) (dataStart + begin), 4 * t.length)
                            .order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < t.length; k++) {
                float v = data.getFloat();
                if (!Float.isFinite(v)) {
                    throw new IOException("tensor " + t.name + " holds " + v + " at " + k);
                }
                params[t.offset + k] = v;
            }
            covered += end - begin;
        }
        double[] mean = null;
        double[] scale = null;
        if (header.has(INPUT_MEAN) || header.has(INPUT_SCALE)) {
            mean = readDoubles(file, dataStart, dataLength, header, INPUT_MEAN, in);
            scale = readDoubles(file, dataStart, dataLength, header, INPUT_SCALE, in);
            for (int k = 0; k < in; k++) {
                if (!(scale[k] > 0)) {
                    throw new IOException(
                            "tensor "
                                    + INPUT_SCALE
                                    + " holds "
                                    + scale[k]
                                    + " at "
                                    + k
                                    + "; scales must be > 0");
                }
            }
            covered += 16L * in;
        }
        if (covered != dataLength) {
            throw new IOException(
                    "the tensors cover " + covered + " of " + dataLength + " data bytes");
        }
        return new ModelFile(meta, enc, in, params, mean, scale);
    }

    /** A float64 vector tensor of length {@code n}, every value finite. */
    private static double[] readDoubles(
            byte[] file, long dataStart, long dataLength, JsonNode header, String name, int n)
            throws IOException {
        JsonNode node = header.get(name);
        if (node == null) {
            throw new IOException(
                    "tensor "
                            + name
                            + " is missing ("
                            + INPUT_MEAN
                            + " and "
                            + INPUT_SCALE
                            + " come together)");
        }
        if (!"F64".equals(node.path("dtype").asText())) {
            throw new IOException(
                    "tensor " + name + " has dtype " + node.path("dtype") + ", expected F64");
        }
        JsonNode shape = node.path("shape");
        if (!shape.isArray() || shape.size() != 1 || shape.get(0).asLong() != n) {
            throw new IOException(
                    "tensor "
                            + name
                            + " has shape "
                            + shape
                            + ", the metadata asks for ["
                            + n
                            + "]");
        }
        JsonNode offsets = node.path("data_offsets");
        long begin = offsets.path(0).asLong(-1);
        long end = offsets.path(1).asLong(-1);
        if (begin < 0 || end != begin + 8L * n || end > dataLength) {
            throw new IOException("tensor " + name + " has data_offsets " + offsets);
        }
        ByteBuffer data =
                ByteBuffer.wrap(file, (int) (dataStart + begin), 8 * n)
                        .order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[n];
        for (int k = 0; k < n; k++) {
            values[k] = data.getDouble();
            if (!Double.isFinite(values[k])) {
                throw new IOException("tensor " + name + " holds " + values[k] + " at " + k);
            }
        }
        return values;
    }

    /** The metadata, as written. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The model's name. */
    public String model() {
        return metadata.get("model");
    }

    /** Updates applied to the model when it was written. */
    public long modelVersion() {
        return Long.parseLong(metadata.get("model_version"));
    }

    /** The encoder's configuration (its initialisation is irrelevant: parameters are given). */
    public EncoderConfig encoderConfig() {
        return encoderConfig;
    }

    /** Length of the inputs. */
    public int inputDim() {
        return inputDim;
    }

    /** The loss form the model was trained with. */
    public ContrastiveLoss.Form lossForm() {
        return ContrastiveLoss.Form.valueOf(metadata.get("loss").toUpperCase(Locale.ROOT));
    }

    /** The flat parameter array, in the encoder's layout (a copy). */
    public float[] parameters() {
        return parameters.clone();
    }

    /**
     * The input standardisation the model was trained with: {@code {mean, scale}}, the encoder
     * seeing {@code (x - mean) * scale}; null for a model that takes raw inputs. Copies.
     */
    public double[][] standardization() {
        return inputMean == null ? null : new double[][] {inputMean.clone(), inputScale.clone()};
    }

    /**
     * An embedder for this model, standardising inputs as the model did: not thread-safe (it reuses
     * its scratch space).
     */
    public Embedder embedder() {
        return new Embedder(
                encoderConfig.create(inputDim), parameters.clone(), inputMean, inputScale);
    }

    /** Computes embeddings of single items with a model's encoder. */
    public static final class Embedder {
        private final Encoder encoder;
        private final float[] params;
        private final io.contrastream.loss.encoder.Activations act;
        private final double[] mean;
        private final double[] scale;
        private final float[] standard;

        private Embedder(Encoder encoder, float[] params, double[] mean, double[] scale) {
            this.encoder = encoder;
            this.params = params;
            this.act = encoder.newActivations();
            this.mean = mean;
            this.scale = scale;
            this.standard = mean == null ? null : new float[mean.length];
        }

        /** Length of the items. */
        public int inputDim() {
            return encoder.inputDim();
        }

        /** Writes {@code f(x)} into {@code out}; the caller checks {@code x} (length, finite). */
        public void embed(float[] x, float[] out) {
            float[] in = x;
            if (mean != null) {
                // As InputStandardizer.transform: in double, rounded once.
                for (int i = 0; i < mean.length; i++) {
                    standard[i] = (float) ((x[i] - mean[i]) * scale[i]);
                }
                in = standard;
            }
            encoder.forward(params, in, act);
            System.arraycopy(act.output(), 0, out, 0, out.length);
        }

        /** Length of the embeddings. */
        public int embeddingDim() {
            return encoder.outputDim();
        }
    }

    // ------------------------------------------------------------------ layout

    private record Tensor(String name, int[] shape, int offset, int length) {}

    /** The tensors of an encoder's flat parameter array of {@code count} values, in file order. */
    private static List<Tensor> tensors(EncoderConfig enc, int in, int count) {
        List<Tensor> out = new ArrayList<>();
        switch (enc.kind()) {
            case IDENTITY -> {}
            case LINEAR -> {
                int o = enc.embeddingDim();
                out.add(new Tensor("weight", new int[] {o, in}, 0, o * in));
                out.add(new Tensor("bias", new int[] {o}, o * in, o));
            }
            case MLP -> {
                int h = enc.hiddenDim();
                int o = enc.embeddingDim();
                out.add(new Tensor("0.weight", new int[] {h, in}, 0, h * in));
                out.add(new Tensor("0.bias", new int[] {h}, h * in, h));
                out.add(new Tensor("2.weight", new int[] {o, h}, h * in + h, o * h));
                out.add(new Tensor("2.bias", new int[] {o}, h * in + h + o * h, o));
            }
        }
        int total = out.stream().mapToInt(Tensor::length).sum();
        if (total != count) {
            throw new IllegalStateException(
                    "layout covers " + total + " of " + count + " parameters");
        }
        return out;
    }

    private static byte[] encode(
            Map<String, String> meta,
            List<Tensor> tensors,
            float[] params,
            double[] mean,
            double[] scale) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode m = header.putObject("__metadata__");
        meta.forEach(m::put);
        long offset = 0;
        for (Tensor t : tensors) {
            ObjectNode node = header.putObject(t.name);
            node.put("dtype", "F32");
            var shape = node.putArray("shape");
            for (int s : t.shape) {
                shape.add(s);
            }
            var offsets = node.putArray("data_offsets");
            offsets.add(offset);
            offsets.add(offset + 4L * t.length);
            offset += 4L * t.length;
        }
        if (mean != null) {
            for (String name : new String[] {INPUT_MEAN, INPUT_SCALE}) {
                ObjectNode node = header.putObject(name);
                node.put("dtype", "F64");
                node.putArray("shape").add(mean.length);
                var offsets = node.putArray("data_offsets");
                offsets.add(offset);
                offsets.add(offset + 8L * mean.length);
                offset += 8L * mean.length;
            }
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a model header", e);
        }
        // The format pads the header with spaces to a multiple of 8 bytes.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf =
                ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int k = json.length; k < padded; k++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors) {
            for (int k = 0; k < t.length; k++) {
                buf.putFloat(params[t.offset + k]);
            }
        }
        if (mean != null) {
            for (double v : mean) {
                buf.putDouble(v);
            }
            for (double v : scale) {
                buf.putDouble(v);
            }
        }
        return buf.array();
    }

    private static String required(Map<String, String> meta, String key) throws IOException {
        String v = meta.get(key);
        if (v == null || v.isEmpty()) {
            throw new IOException("metadata " + key + " is missing");
        }
        return v;
    }

    private static int positive(Map<String, String> meta, String key) throws IOException {
        String v = required(meta, key);
        try {
            int n = Integer.parseInt(v);
            if (n > 0 && n <= 1 << 24) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IOException("metadata " + key + " is " + v + ", expected a positive integer");
    }
}
