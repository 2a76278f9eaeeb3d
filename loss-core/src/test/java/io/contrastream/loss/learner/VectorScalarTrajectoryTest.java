package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.simd.VectorKernels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Whole learners, vector kernels against plain loops, bit for bit: the benchmark configurations
 * (linear 64 -> 32 and 784 -> 128, MLP 64 -> 256 -> 32; SGD and Adam with clipping and weight
 * decay) each learn from the same pairs, and a SHA-256 of every pair's distance, loss, gradient
 * norm and outcome bits and of the final {@link LearnerState} bytes is taken.
 *
 * <p>The kernels are chosen once per JVM, so the two sides run in two JVMs: loss-core's default
 * surefire execution (with {@code --add-modules jdk.incubator.vector}) writes the digests to the
 * build directory, and the {@code scalar-fallback} execution (without the module) recomputes them
 * on the plain loops and requires them equal. Run alone in a JVM without the module and without the
 * file, the comparison is skipped (an assumption, reported as such).
 */
class VectorScalarTrajectoryTest {

    private static final Path DIGESTS =
            Path.of(System.getProperty("java.io.tmpdir"), "vector-trajectory-digests.txt");

    private static List<String> digests() throws NoSuchAlgorithmException {
        String[] models = {"linear:64:0:32", "linear:784:0:128", "mlp:64:256:32"};
        List<String> lines = new ArrayList<>();
        for (String model : models) {
            for (OptimizerConfig rule :
                    new OptimizerConfig[] {
                        OptimizerConfig.of(OptimizerKind.SGD, 3e-3),
                        OptimizerConfig.of(OptimizerKind.SGD, 3e-3).withWeightDecay(1e-2),
                        OptimizerConfig.of(OptimizerKind.ADAM, 1e-3).withWeightDecay(1e-2)
                    }) {
                String[] p = model.split(":");
                int input = Integer.parseInt(p[1]);
                LearnerConfig config =
                        LearnerConfig.reference(5)
                                .withEncoder(
                                        new EncoderConfig(
                                                EncoderKind.valueOf(p[0].toUpperCase()),
                                                Integer.parseInt(p[3]),
                                                Integer.parseInt(p[2]),
                                                false,
                                                Initialization.PYTORCH_UNIFORM))
                                .withOptimizer(rule)
                                .withClipNorm(1.0);
                OnlineLearner learner = OnlineLearner.create(config, input);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                SplittableRandom random = new SplittableRandom(input);
                float[] a = new float[input];
                float[] b = new float[input];
                for (int i = 0; i < 400; i++) {
                    for (int k = 0; k < input; k++) {
                        a[k] = (float) random.nextDouble();
                        b[k] = random.nextInt(4) == 0 ? a[k] : (float) random.nextDouble();
                    }
                    int kind = random.nextInt(5);
                    PairLabel label =
                            kind == 0 ? null : kind % 2 == 0 ? PairLabel.SAME : PairLabel.DIFFERENT;
                    PairResult r = learner.process(a, b, label);
                    String line =
                            Double.doubleToLongBits(r.value())
                                    + ","
                                    + Double.doubleToLongBits(r.loss())
                                    + ","
                                    + Double.doubleToLongBits(r.gradientNorm())
                                    + ","
                                    + r.outcome();
                    sha.update(line.getBytes(StandardCharsets.UTF_8));
                }
                sha.update(LearnerState.toBytes(learner));
                lines.add(
                        model
                                + " "
                                + rule.kind()
                                + " wd="
                                + rule.weightDecay()
                                + " "
                                + HexFormat.of().formatHex(sha.digest()));
            }
        }
        return lines;
    }

    @Test
    void vectorAndScalarLearnersAgreeBitForBit() throws Exception {
        List<String> mine = digests();
        if (VectorKernels.best() != null) {
            Files.write(DIGESTS, mine);
            System.out.println("vector trajectories recorded in " + DIGESTS);
            return;
        }
        assumeTrue(
                Files.exists(DIGESTS),
                "no digests from a vector JVM at " + DIGESTS + " (run loss-core's surefire)");
        assertThat(mine).as(VectorKernels.describe()).isEqualTo(Files.readAllLines(DIGESTS));
        System.out.println("scalar trajectories equal the vector ones: " + mine.size());
    }
}
