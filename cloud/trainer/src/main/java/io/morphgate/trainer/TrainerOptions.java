package io.morphgate.trainer;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What one trainer run does. {@code repoRoot} is read (slots.json, calibration images; the trained backbone when only
 * variants are trained); {@code out} receives the artifacts in the repository's layout, so {@code out == repoRoot}
 * updates the bundles' resources in place.
 *
 * @param limit         training images used (0: all 60,000)
 * @param testLimit     test images used (0: all 10,000)
 * @param matchSteps    feature-matching steps per variant
 * @param fineTuneSteps task-loss fine-tuning steps per variant (composed model, only the variant trains)
 * @param augment       random horizontal flips
 * @param shift         and random shifts by up to this many pixels (0: none)
 * @param only          variants whose id matches are trained (null: all)
 */
public record TrainerOptions(Path dataDir, Path repoRoot, Path out, Stage stage, int epochs, int matchSteps,
        int fineTuneSteps, int batchSize, int limit, int testLimit, long seed, boolean augment, int shift, Pattern only) {

    public enum Stage { ALL, BACKBONE, VARIANTS }

    /** The Fashion-MNIST model bundle's files (model.json, backbone.onnx, slots.json, calibration images). */
    static final String MODEL_DIR = "models/fashion-mnist/src/main/resources/model";

    Path modelDir(Path root) {
        return root.resolve(MODEL_DIR);
    }

    /** Trained variants travel with their model: {@code variants/} beside its descriptor, whatever the operator. */
    Path variantsDir(String operator) {
        return out.resolve(MODEL_DIR).resolve("variants");
    }
}
