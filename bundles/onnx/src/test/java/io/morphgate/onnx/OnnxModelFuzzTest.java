package io.morphgate.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;

import java.util.Arrays;
import java.util.Map;

/**
 * Hostile bytes through everything this bundle does with a model from outside: read, check (versions, structure,
 * initializers, shape inference), count costs, splice into a backbone slot, and evaluate in plain Java. The only
 * acceptable failure is a {@link GraphException} (or its subclass {@link CompositionException}); anything else (a
 * runtime exception, a StackOverflowError, an OutOfMemoryError, a hang) is a finding.
 *
 * <p>Regression inputs: {@code src/test/resources/io/morphgate/onnx/OnnxModelFuzzTestInputs/readCheckEvaluate/}.
 * Fuzzing: {@code benchmarks/fuzz.sh}.
 */
class OnnxModelFuzzTest {

    /** The reference evaluator is an oracle for gateway-sized models; beyond this it is not asked to run. */
    private static final long EVALUATION_ELEMENTS = 1 << 16;
    private static final long EVALUATION_MACS = 20_000_000;
    private static final ModelProto BACKBONE = TestModels.backbone();

    @FuzzTest(maxDuration = "60s")
    void readCheckEvaluate(byte[] bytes) {
        try {
            ModelProto model = OnnxModelIO.read(bytes);
            Map<String, long[]> shapes = GraphCheck.check(model);
            CostCounter.ModelCost cost = CostCounter.count(model);
            if (cost.macs() < 0 || cost.params() < 0) {
                throw new AssertionError("negative cost " + cost.macs() + " MACs, " + cost.params() + " params");
            }
            try {
                GraphComposer.compose(BACKBONE, Map.of(TestModels.S1, new Replacement("fuzz", model)));
            } catch (CompositionException expected) {
                // most models do not fit slot s1; the point is that splicing refuses cleanly
            }
            if (cost.macs() <= EVALUATION_MACS && shapes.values().stream().allMatch(s -> perSample(s) <= EVALUATION_ELEMENTS)) {
                long[] input = shapes.get(inputName(model)).clone();
                for (int i = 0; i < input.length; i++) {
                    input[i] = Math.max(input[i], 1);
                }
                ReferenceEvaluator.run(model, new Tensor(input, new float[(int) perSample(input)]));
            }
        } catch (GraphException expected) {
            // the documented refusal
        }
    }

    private static String inputName(ModelProto model) {
        var initializers = model.getGraph().getInitializerList().stream().map(t -> t.getName()).toList();
        return model.getGraph().getInputList().stream().map(v -> v.getName()).filter(n -> !initializers.contains(n))
                .findFirst().orElseThrow();
    }

    /** Elements with every symbolic dimension taken as 1. */
    private static long perSample(long[] shape) {
        return Arrays.stream(shape).map(d -> Math.max(d, 1)).reduce(1, Math::multiplyExact);
    }
}
