package io.contrastream.job.cli;

import io.contrastream.job.JobSettings;
import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.train.AlertMode;
import io.contrastream.job.train.TrainerSettings;
import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.learner.DriftPolicy;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.ThresholdPolicy;
import io.contrastream.loss.optim.LearningRateSchedule;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.scale.Standardization;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The model and engine flags shared by {@code run}, {@code replay} and {@code demo}: how every new
 * model is built, how it alerts, and how the job runs. Each flag's description carries its default;
 * {@link #settings} checks them all at once and names the first bad one.
 */
public final class ModelOptions {

    @Option(
            names = "--encoder",
            defaultValue = "mlp",
            converter = LowerEnum.EncoderKinds.class,
            description =
                    "Embedding function: identity (bring your own embeddings), linear or mlp"
                            + " (default: ${DEFAULT-VALUE}).")
    EncoderKind encoder;

    @Option(
            names = "--embedding-dim",
            defaultValue = "32",
            description = "Embedding size of linear and mlp (default: ${DEFAULT-VALUE}).")
    int embeddingDim;

    @Option(
            names = "--hidden-dim",
            defaultValue = "128",
            description = "Hidden units of mlp (default: ${DEFAULT-VALUE}).")
    int hiddenDim;

    @Option(
            names = "--normalize",
            defaultValue = "false",
            description = "L2-normalise embeddings (default: ${DEFAULT-VALUE}).")
    boolean normalize;

    @Option(
            names = "--loss",
            defaultValue = "euclidean",
            converter = LowerEnum.LossForms.class,
            description = "Contrastive loss form: euclidean or cosine (default: ${DEFAULT-VALUE}).")
    ContrastiveLoss.Form loss;

    @Option(
            names = "--margin",
            defaultValue = "2.0",
            description =
                    "Euclidean margin m, or the cosine margin eps for --loss cosine"
                            + " (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(
            names = "--positive-margin",
            defaultValue = "0.0",
            description =
                    "SAME pairs are pulled only beyond this dissimilarity; 0 is the paper's form"
                            + " (default: ${DEFAULT-VALUE}).")
    double positiveMargin;

    @Option(
            names = "--optimizer",
            defaultValue = "sgd",
            converter = LowerEnum.OptimizerKinds.class,
            description = "sgd, momentum, adagrad or adam (default: ${DEFAULT-VALUE}).")
    OptimizerKind optimizer;

    @Option(
            names = "--learning-rate",
            description =
                    "Step size (default: the optimizer's, measured on digits: sgd 1e-2, momentum"
                            + " 1e-3, adagrad 1e-2, adam 3e-4).")
    Double learningRate;

    @Option(
            names = "--weight-decay",
            defaultValue = "0.0",
            description = "Decoupled weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(
            names = "--clip-norm",
            defaultValue = "10.0",
            description =
                    "Largest gradient norm applied; 0 disables clipping (default: ${DEFAULT-VALUE}).")
    double clipNorm;

    @Option(
            names = "--lr-schedule",
            defaultValue = "constant",
            converter = LowerEnum.Decays.class,
            description =
                    "Learning rate after the warm-up of --lr-warmup updates (a linear ramp from 0):"
                            + " constant, or inverse_sqrt (rate x sqrt(warmup / t), never zero, so"
                            + " a model keeps adapting) (default: ${DEFAULT-VALUE}).")
    LearningRateSchedule.Decay lrSchedule;

    @Option(
            names = "--lr-warmup",
            defaultValue = "0",
            description =
                    "Updates over which the learning rate ramps up linearly; inverse_sqrt needs"
                            + " >= 1 (default: ${DEFAULT-VALUE}).")
    long lrWarmup;

    @Option(
            names = "--standardize",
            converter = LowerEnum.StandardizationModes.class,
            description =
                    "Per-model input standardisation, (x - mean) / std per feature, kept in the"
                            + " model's state: none; frozen (statistics of the first"
                            + " --standardize-window labelled pairs, then fixed); decaying"
                            + " (statistics that keep following the stream with a memory of"
                            + " --standardize-window pairs) (default: decaying; none with"
                            + " --encoder identity, whose distances are the items' own).")
    Standardization.Mode standardize;

    @Option(
            names = "--standardize-window",
            defaultValue = "10000",
            description =
                    "Labelled pairs behind the standardisation statistics (default:"
                            + " ${DEFAULT-VALUE}).")
    long standardizeWindow;

    @Option(
            names = "--standardize-floor",
            defaultValue = "1.0",
            description =
                    "Least variance a feature is divided by, as a fraction of the mean variance"
                            + " over all features: 1 scales every feature alike (centring only"
                            + " per feature), 0 divides each by its own spread"
                            + " (default: ${DEFAULT-VALUE}).")
    double standardizeFloor;

    @Option(
            names = "--init",
            defaultValue = "pytorch_uniform",
            converter = LowerEnum.Initializations.class,
            description =
                    "Weight initialisation: pytorch_uniform, xavier_uniform or he_normal"
                            + " (default: ${DEFAULT-VALUE}).")
    Initialization init;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "Seeds every new model's initial parameters (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--alert-mode",
            defaultValue = "change",
            converter = LowerEnum.AlertModes.class,
            description =
                    "change: alert when a pair is further apart than the threshold (imagery"
                            + " change); duplicate: when closer (default: ${DEFAULT-VALUE}).")
    AlertMode alertMode;

    @Option(
            names = "--alert-threshold",
            defaultValue = "margin-half",
            description =
                    "A number (in distance units; 1 - similarity for cosine), margin-half, or auto"
                            + " (chosen online to maximise F1 over recent labelled pairs)"
                            + " (default: ${DEFAULT-VALUE}).")
    String alertThreshold;

    @Option(
            names = "--warmup",
            defaultValue = "500",
            description =
                    "Labelled pairs a model learns from before it may alert (default: ${DEFAULT-VALUE}).")
    long warmup;

    @Option(
            names = "--drift",
            defaultValue = "adwin",
            converter = LowerEnum.DriftKinds.class,
            description =
                    "Drift detector over each model's prequential loss, restarted when warm-up ends;"
                            + " only rises of the loss alert: none, page_hinkley or adwin"
                            + " (default: ${DEFAULT-VALUE}).")
    DriftPolicy.Kind drift;

    @Option(
            names = "--metrics-every",
            defaultValue = "1000",
            description =
                    "Pairs of a model between two loss-metrics records (default: ${DEFAULT-VALUE}).")
    long metricsEvery;

    @Option(
            names = "--dedupe-window",
            defaultValue = "1024",
            description =
                    "Event ids each model remembers: a pair whose event_id is among its model's"
                            + " last N accepted ones is dead-lettered DUPLICATE_EVENT and trains"
                            + " nothing; 0 turns the check off (default: ${DEFAULT-VALUE}).")
    int dedupeWindow;

    @Option(
            names = "--snapshot-every",
            defaultValue = "0",
            description =
                    "Applied updates of a model between two model files (safetensors) on the"
                            + " models output (run: the models topic; replay: models/); 0: only"
                            + " the final model, at the end of a bounded input (default:"
                            + " ${DEFAULT-VALUE}).")
    long snapshotEvery;

    @Option(
            names = "--init-from",
            paramLabel = "FILE",
            description =
                    "A model file (safetensors, as the models output writes or as"
                            + " examples/python/model_interop.py write makes with numpy) that every"
                            + " new model starts from instead of its initialisation; its encoder must"
                            + " match --encoder, --embedding-dim, --hidden-dim and --normalize.")
    java.nio.file.Path initFrom;

    @Option(
            names = "--max-models",
            defaultValue = "1000",
            description =
                    "Most models one trainer subtask holds (a job at parallelism p holds at most"
                            + " p x this, fewer if model keys are skewed); a pair of a new model past"
                            + " it is dead-lettered (MODEL_LIMIT) and creates nothing, existing"
                            + " models go on learning (default: ${DEFAULT-VALUE}).")
    long maxModels;

    @Option(
            names = "--max-features",
            defaultValue = "65536",
            description =
                    "Most values an item may have; larger ones are dead-lettered"
                            + " (default: ${DEFAULT-VALUE}).")
    int maxFeatures;

    @Option(
            names = "--max-event-time-ahead",
            defaultValue = "86400000",
            description =
                    "Milliseconds an event time may lie ahead of this machine's clock, one day by"
                            + " default; later ones are dead-lettered BAD_TIMESTAMP, as are times"
                            + " before 1970 (default: ${DEFAULT-VALUE}).")
    long maxEventTimeAhead;

    @Option(
            names = "--format",
            defaultValue = "avro",
            converter = LowerEnum.WireFormats.class,
            description = "Wire format of every topic: avro or json (default: ${DEFAULT-VALUE}).")
    WireFormat format;

    @Option(
            names = "--parallelism",
            defaultValue = "1",
            description = "Parallelism of the job (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--chain-trainer",
            defaultValue = "false",
            description =
                    "Run the trainer in the decoder's thread, chained, with no keyBy shuffle: no"
                            + " pair is serialised between decoding and training (more pairs per"
                            + " CPU-second), but the two no longer run on two cores at once."
                            + " Parallelism 1 only (default: ${DEFAULT-VALUE}).")
    boolean chainTrainer;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "5000",
            description =
                    "Milliseconds between checkpoints; outputs are committed at each"
                            + " (default: ${DEFAULT-VALUE}).")
    long checkpointInterval;

    @Option(
            names = "--state-backend",
            defaultValue = "hashmap",
            description =
                    "Where model state lives: hashmap (on the heap) or rocksdb (on disk)"
                            + " (default: ${DEFAULT-VALUE}).")
    String stateBackend;

    /**
     * The model and trainer settings.
     *
     * @throws IllegalArgumentException naming the first bad setting
     */
    public TrainerSettings trainer() {
        LearnerConfig learner =
                LearnerConfig.reference(seed).toBuilder()
                        .encoder(
                                new EncoderConfig(
                                        encoder, embeddingDim, hiddenDim, normalize, init))
                        .loss(loss, margin)
                        .positiveMargin(positiveMargin)
                        .optimizer(
                                OptimizerConfig.of(
                                                optimizer,
                                                learningRate != null
                                                        ? learningRate
                                                        : OptimizerConfig.defaultLearningRate(
                                                                optimizer))
                                        .withWeightDecay(weightDecay))
                        .clipNorm(clipNorm)
                        .threshold(threshold())
                        .positiveClass(alertMode.positiveClass())
                        .drift(driftPolicy())
                        .standardization(
                                new Standardization(
                                        standardizeMode(), standardizeWindow, standardizeFloor))
                        .schedule(new LearningRateSchedule(lrSchedule, lrWarmup))
                        .build();
        return new TrainerSettings(
                learner,
                alertMode,
                warmup,
                metricsEvery,
                maxModels,
                dedupeWindow,
                snapshotEvery,
                initModel());
    }

    private byte[] initModel() {
        if (initFrom == null) {
            return null;
        }
        try {
            return java.nio.file.Files.readAllBytes(initFrom);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("init-from: cannot read " + initFrom + ": " + e, e);
        }
    }

    /** The topology settings for input from {@code source}. */
    public JobSettings settings(SourceInfo source) {
        return new JobSettings(
                trainer(), format, maxFeatures, maxEventTimeAhead, source, chainTrainer);
    }

    /** {@code --parallelism}. */
    public int parallelism() {
        return parallelism;
    }

    /** {@code --checkpoint-interval}, in milliseconds. */
    public long checkpointInterval() {
        return checkpointInterval;
    }

    /** {@code --state-backend}: hashmap or rocksdb. */
    public String stateBackend() {
        return stateBackend;
    }

    /** {@code --format}. */
    public WireFormat format() {
        return format;
    }

    /** {@code --warmup}. */
    public long warmup() {
        return warmup;
    }

    /** Checks the job-level flags. */
    public void checkJobFlags() {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
        if (chainTrainer && parallelism != 1) {
            throw new IllegalArgumentException(
                    "chain-trainer needs parallelism 1, got parallelism "
                            + parallelism
                            + ": chained, each trainer would see only its own input's pairs");
        }
        if (checkpointInterval < 10) {
            throw new IllegalArgumentException(
                    "checkpoint-interval must be >= 10 ms, got " + checkpointInterval);
        }
        if (!stateBackend.equals("hashmap") && !stateBackend.equals("rocksdb")) {
            throw new IllegalArgumentException(
                    "state-backend must be hashmap or rocksdb, got '" + stateBackend + "'");
        }
    }

    /**
     * {@code --standardize}, or its default: decaying, except for the identity encoder, whose
     * distances are those of the embeddings users bring (standardising would change them).
     */
    private Standardization.Mode standardizeMode() {
        if (standardize != null) {
            return standardize;
        }
        return encoder == EncoderKind.IDENTITY
                ? Standardization.Mode.NONE
                : Standardization.Mode.DECAYING;
    }

    private ThresholdPolicy threshold() {
        String t = alertThreshold.strip().toLowerCase(Locale.ROOT);
        if (t.equals("margin-half")) {
            return ThresholdPolicy.marginHalf();
        }
        if (t.equals("auto")) {
            return ThresholdPolicy.auto();
        }
        try {
            return ThresholdPolicy.fixed(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "alert-threshold must be a number, margin-half or auto, got '"
                            + alertThreshold
                            + "'");
        }
    }

    private DriftPolicy driftPolicy() {
        switch (drift) {
            case NONE:
                return DriftPolicy.none();
            case ADWIN:
                return DriftPolicy.adwin();
            default:
                return DriftPolicy.pageHinkley();
        }
    }

    /** Enum flags written in lower case on the command line, any case accepted. */
    abstract static class LowerEnum<E extends Enum<E>> implements ITypeConverter<E> {
        private final Class<E> type;

        LowerEnum(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            String name = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(name)) {
                    return e;
                }
            }
            StringBuilder allowed = new StringBuilder();
            for (E e : type.getEnumConstants()) {
                if (allowed.length() > 0) allowed.append(", ");
                allowed.append(e.name().toLowerCase(Locale.ROOT));
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not one of " + allowed);
        }

        static final class EncoderKinds extends LowerEnum<EncoderKind> {
            EncoderKinds() {
                super(EncoderKind.class);
            }
        }

        static final class LossForms extends LowerEnum<ContrastiveLoss.Form> {
            LossForms() {
                super(ContrastiveLoss.Form.class);
            }
        }

        static final class OptimizerKinds extends LowerEnum<OptimizerKind> {
            OptimizerKinds() {
                super(OptimizerKind.class);
            }
        }

        static final class Initializations extends LowerEnum<Initialization> {
            Initializations() {
                super(Initialization.class);
            }
        }

        static final class AlertModes extends LowerEnum<AlertMode> {
            AlertModes() {
                super(AlertMode.class);
            }
        }

        static final class DriftKinds extends LowerEnum<DriftPolicy.Kind> {
            DriftKinds() {
                super(DriftPolicy.Kind.class);
            }
        }

        static final class Decays extends LowerEnum<LearningRateSchedule.Decay> {
            Decays() {
                super(LearningRateSchedule.Decay.class);
            }
        }

        static final class StandardizationModes extends LowerEnum<Standardization.Mode> {
            StandardizationModes() {
                super(Standardization.Mode.class);
            }
        }

        static final class WireFormats extends LowerEnum<WireFormat> {
            WireFormats() {
                super(WireFormat.class);
            }
        }
    }
}
