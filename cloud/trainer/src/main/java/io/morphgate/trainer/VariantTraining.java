package io.morphgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.SlotBoundary;

import java.util.List;
import java.util.Map;

/**
 * Stage 2, parameter separation for one variant: (a) feature matching, only the variant trains so that
 * {@code variant(slot input)} matches the trained backbone's slot output (MSE), both computed by the frozen backbone
 * on training images; (b) fine-tuning, the variant composed into the backbone exactly as the gateway composes it,
 * only its parameters trained on cross-entropy while the backbone stays frozen in inference mode. The variant keeps
 * its own BN statistics.
 */
final class VariantTraining {

    /** The trained sub-graph (the builder's structure, trained values) and the whole-model test accuracy. */
    record Result(ModelProto subGraph, double matchLoss, double fineTuneLoss, double testAccuracy, double seconds) {
    }

    private static final float MATCH_LEARNING_RATE = 3e-3f;
    private static final float FINE_TUNE_LEARNING_RATE = 2e-3f;

    private final TrainerOptions options;
    private final Progress progress;

    VariantTraining(TrainerOptions options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    Result train(VariantCatalog.Entry entry, SlotBoundary slot, ModelProto backbone, OnnxGraphBlock frozenBackbone,
            FashionMnist train, FashionMnist test, NDManager parent) {
        double start = progress.seconds();
        String id = entry.id();
        ModelProto initial = OnnxModelIO.read(entry.variant().subGraph());
        long seed = options.seed() * 1_000_003L + id.hashCode();
        try (NDManager m = parent.newSubManager()) {
            OnnxGraphBlock variant = new OnnxGraphBlock(initial, m, name -> true);
            double matchLoss = match(id, slot, frozenBackbone, variant, new Batches(train, options.batchSize(),
                    options.augment(), options.shift(), seed), m);
            ModelProto composed = GraphComposer.compose(backbone,
                    Map.of(slot, new GraphComposer.Replacement(id, variant.writeBack())));
            String prefix = slot.slot() + "/" + id + "/";
            OnnxGraphBlock whole = new OnnxGraphBlock(composed, m, name -> name.startsWith(prefix));
            double fineTuneLoss = fineTune(id, whole, new Batches(train, options.batchSize(), options.augment(),
                    options.shift(), seed + 1), m);
            double accuracy = Evaluation.accuracy(whole, test, m);
            ModelProto trained = extract(initial, whole, prefix);
            GraphCheck.check(trained);
            return new Result(trained, matchLoss, fineTuneLoss, accuracy, progress.seconds() - start);
        }
    }

    private double match(String id, SlotBoundary slot, OnnxGraphBlock backbone, OnnxGraphBlock variant,
            Batches batches, NDManager m) {
        if (options.matchSteps() == 0) {
            return Double.NaN;
        }
        TrainingStep step = new TrainingStep(variant.trainableParameters(), MATCH_LEARNING_RATE,
                options.matchSteps(), 0f);
        List<String> boundary = List.of(slot.inputTensor(), slot.outputTensor());
        double recent = 0;
        for (int i = 1; i <= options.matchSteps(); i++) {
            try (NDManager s = m.newSubManager()) {
                NDArray[] batch = batches.next(s);
                Map<String, NDArray> io = backbone.forward(batch[0], false, boundary);
                recent = 0.9 * recent + 0.1 * step.run(() -> Evaluation.meanSquaredError(
                        variant.forward(io.get(slot.inputTensor()), true), io.get(slot.outputTensor())));
            }
            if (i % 100 == 0 || i == options.matchSteps()) {
                progress.line("  %s match step %d/%d mse %.4f", id, i, options.matchSteps(), smoothed(recent, i));
            }
        }
        return smoothed(recent, options.matchSteps());
    }

    private double fineTune(String id, OnnxGraphBlock whole, Batches batches, NDManager m) {
        if (options.fineTuneSteps() == 0) {
            return Double.NaN;
        }
        TrainingStep step = new TrainingStep(whole.trainableParameters(), FINE_TUNE_LEARNING_RATE,
                options.fineTuneSteps(), 0f);
        double recent = 0;
        for (int i = 1; i <= options.fineTuneSteps(); i++) {
            try (NDManager s = m.newSubManager()) {
                NDArray[] batch = batches.next(s);
                recent = 0.9 * recent + 0.1 * step.run(() -> Evaluation.crossEntropy(whole.forward(batch[0], true),
                        batch[1]));
            }
            if (i % 100 == 0 || i == options.fineTuneSteps()) {
                progress.line("  %s fine-tune step %d/%d loss %.4f", id, i, options.fineTuneSteps(),
                        smoothed(recent, i));
            }
        }
        return smoothed(recent, options.fineTuneSteps());
    }

    /** The builder's sub-graph with the composed model's trained values of its (prefixed) initializers. */
    private static ModelProto extract(ModelProto initial, OnnxGraphBlock whole, String prefix) {
        GraphProto.Builder g = initial.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                g.setInitializer(i, OnnxGraphBlock.withValues(t, whole.values(prefix + t.getName())));
            }
        }
        return initial.toBuilder().setGraph(g).build();
    }

    /** Exponential moving average with its start-up bias removed. */
    private static double smoothed(double ema, int steps) {
        return ema / (1 - Math.pow(0.9, steps));
    }
}
