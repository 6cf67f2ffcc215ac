package io.morphgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.operator.kit.BlockVariant;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.Initializers;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.SlotBoundary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stage 2, parameter separation for one variant: (0) warm start, when the operator derives the same block from the
 * slot's trained kernel, training starts from that factorisation (with BN recalibrated on sample slot inputs) instead
 * of the builder's random values; (a) feature matching, only the variant trains so that {@code variant(slot input)}
 * matches the trained backbone's slot output (MSE), both computed by the frozen backbone on training images; (b)
 * fine-tuning, the variant composed into the backbone exactly as the gateway composes it, only its parameters trained
 * while the backbone stays frozen in inference mode, on cross-entropy plus distillation from the full model (KL
 * divergence to its softened class probabilities). The variant keeps its own BN statistics.
 */
final class VariantTraining {

    /** The trained sub-graph (the builder's structure, trained values) and the whole-model test accuracy. */
    record Result(ModelProto subGraph, boolean warmStarted, double matchLoss, double fineTuneLoss,
            double testAccuracy, double seconds) {
    }

    private static final float MATCH_LEARNING_RATE = 3e-3f;
    private static final float FINE_TUNE_LEARNING_RATE = 2e-3f;
    /** Weight of the distillation term in the fine-tuning loss; the task cross-entropy has 1 minus this. */
    static final float DISTILLATION_WEIGHT = 0.7f;
    /** Softmax temperature of the distillation term (Hinton et al.); the term is scaled by its square. */
    static final float DISTILLATION_TEMPERATURE = 4f;
    /** Training images whose slot inputs recalibrate a warm start's BN. */
    static final int WARM_START_SAMPLES = 512;

    private final TrainerOptions options;
    private final Progress progress;

    VariantTraining(TrainerOptions options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    Result train(VariantCatalog.Entry entry, SlotSpec spec, SlotWeights weights, SlotBoundary slot,
            ModelProto backbone, OnnxGraphBlock frozenBackbone, FashionMnist train, FashionMnist test,
            NDManager parent) {
        double start = progress.seconds();
        String id = entry.id();
        ModelProto seeded = OnnxModelIO.read(entry.variant().subGraph());
        long seed = options.seed() * 1_000_003L + id.hashCode();
        try (NDManager m = parent.newSubManager()) {
            Optional<ModelProto> warm = warmStart(entry, spec, weights, slot, seeded, frozenBackbone, train, m);
            ModelProto initial = warm.orElse(seeded);
            OnnxGraphBlock variant = new OnnxGraphBlock(initial, m, name -> true);
            double matchLoss = match(id, slot, frozenBackbone, variant, new Batches(train, options.batchSize(),
                    options.augment(), options.shift(), seed), m);
            ModelProto composed = GraphComposer.compose(backbone,
                    Map.of(slot, new GraphComposer.Replacement(id, variant.writeBack())));
            String prefix = slot.slot() + "/" + id + "/";
            OnnxGraphBlock whole = new OnnxGraphBlock(composed, m, name -> name.startsWith(prefix));
            double fineTuneLoss = fineTune(id, slot, whole, frozenBackbone, new Batches(train, options.batchSize(),
                    options.augment(), options.shift(), seed + 1), m);
            double accuracy = Evaluation.accuracy(whole, test, m);
            ModelProto trained = extract(initial, whole, prefix);
            GraphCheck.check(trained);
            return new Result(trained, warm.isPresent(), matchLoss, fineTuneLoss, accuracy,
                    progress.seconds() - start);
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

    /**
     * The builder's sub-graph (its nodes and initializer names, so the artifact keeps the operator's structure) with
     * the values of the operator's derivation from the slot's trained weights, when there is one and its graph has
     * the same nodes and initializer shapes; empty otherwise (training starts from the builder's values).
     */
    private Optional<ModelProto> warmStart(VariantCatalog.Entry entry, SlotSpec spec, SlotWeights weights,
            SlotBoundary slot, ModelProto seeded, OnnxGraphBlock frozenBackbone, FashionMnist train, NDManager m) {
        if (entry.warmStart() == null) {
            return Optional.empty();
        }
        Optional<BlockVariant> derived = entry.warmStart().derive(spec, weights,
                slotInputs(slot, frozenBackbone, train, m));
        if (derived.isEmpty()) {
            progress.line("  %s: the operator derives no block for this slot; starting from the builder's values",
                    entry.id());
            return Optional.empty();
        }
        ModelProto from = OnnxModelIO.read(derived.get().subGraph());
        Optional<ModelProto> warm = withValuesOf(seeded, from);
        progress.line("  %s: %s", entry.id(), warm.isPresent()
                ? "warm start from " + derived.get().descriptor().provenanceDetail()
                : "the derived block differs from the builder's graph; starting from the builder's values");
        return warm;
    }

    /** The slot's input for the first training images (no augmentation), one [C*H*W] array per image. */
    private static List<float[]> slotInputs(SlotBoundary slot, OnnxGraphBlock backbone, FashionMnist train,
            NDManager parent) {
        int n = Math.min(WARM_START_SAMPLES, train.size());
        try (NDManager m = parent.newSubManager()) {
            float[] images = Arrays.copyOf(train.images(), n * FashionMnist.PIXELS);
            NDArray x = backbone.forward(m.create(images, backbone.inputShape(n)), false,
                    List.of(slot.inputTensor())).get(slot.inputTensor());
            float[] all = x.toFloatArray();
            int size = all.length / n;
            List<float[]> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(Arrays.copyOfRange(all, i * size, (i + 1) * size));
            }
            return out;
        }
    }

    /**
     * {@code target} with each float initializer's values taken from the initializer at the same position in
     * {@code source}, when both graphs have the same node types in the same order and their initializers the same
     * types and shapes in the same order; empty otherwise.
     */
    static Optional<ModelProto> withValuesOf(ModelProto target, ModelProto source) {
        GraphProto t = target.getGraph();
        GraphProto s = source.getGraph();
        if (!t.getNodeList().stream().map(n -> n.getOpType()).toList()
                .equals(s.getNodeList().stream().map(n -> n.getOpType()).toList())
                || t.getInitializerCount() != s.getInitializerCount()) {
            return Optional.empty();
        }
        GraphProto.Builder g = t.toBuilder();
        for (int i = 0; i < t.getInitializerCount(); i++) {
            TensorProto a = t.getInitializer(i);
            TensorProto b = s.getInitializer(i);
            if (a.getDataType() != b.getDataType() || !a.getDimsList().equals(b.getDimsList())) {
                return Optional.empty();
            }
            if (a.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                g.setInitializer(i, OnnxGraphBlock.withValues(a, Initializers.floats(source, b.getName())));
            }
        }
        return Optional.of(target.toBuilder().setGraph(g).build());
    }

    /**
     * The fine-tuning loop. The teacher (the frozen backbone) computes, in one pass, its logits and the slot's input;
     * the composed model starts from that slot input, since everything before the slot is the same frozen, inference
     * mode prefix in both: the same values, computed once.
     */
    private double fineTune(String id, SlotBoundary slot, OnnxGraphBlock whole, OnnxGraphBlock teacher,
            Batches batches, NDManager m) {
        if (options.fineTuneSteps() == 0) {
            return Double.NaN;
        }
        TrainingStep step = new TrainingStep(whole.trainableParameters(), FINE_TUNE_LEARNING_RATE,
                options.fineTuneSteps(), 0f);
        double recent = 0;
        for (int i = 1; i <= options.fineTuneSteps(); i++) {
            try (NDManager s = m.newSubManager()) {
                NDArray[] batch = batches.next(s);
                Map<String, NDArray> t = teacher.forward(batch[0], false,
                        List.of(slot.inputTensor(), teacher.outputName()));
                NDArray teacherLogits = t.get(teacher.outputName());
                Map<String, NDArray> slotInput = Map.of(slot.inputTensor(), t.get(slot.inputTensor()));
                recent = 0.9 * recent + 0.1 * step.run(() -> {
                    NDArray logits = whole.forwardFrom(slotInput, true, List.of(whole.outputName()))
                            .get(whole.outputName());
                    return Evaluation.crossEntropy(logits, batch[1]).mul(1 - DISTILLATION_WEIGHT)
                            .add(Evaluation.distillation(logits, teacherLogits, DISTILLATION_TEMPERATURE)
                                    .mul(DISTILLATION_WEIGHT));
                });
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
