package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.ShapeInference;
import io.morphgate.onnx.ValueInfos;

/**
 * What the backbone's calibration images do to it: the tensors that enter each slot (handed to operators that derive
 * variants) and the classes the default model predicts (to measure how far a variant moves them). Computed once, on
 * first use, with ONNX Runtime.
 */
final class Calibration {

    private static final System.Logger LOG = System.getLogger(Calibration.class.getName());

    private final BackboneArtifacts artifacts;
    private final OrtEnvironment environment;
    private final SessionFactory sessions;
    private Map<String, List<float[]>> slotInputs;
    private int[] defaultPredictions;

    Calibration(BackboneArtifacts artifacts, OrtEnvironment environment, SessionFactory sessions) {
        this.artifacts = artifacts;
        this.environment = environment;
        this.sessions = sessions;
    }

    boolean isEmpty() {
        return artifacts.calibrationImages().isEmpty();
    }

    /** The calibration activations entering a slot; empty without calibration images or for an unknown slot. */
    synchronized List<float[]> slotInputs(String slot) {
        if (isEmpty() || artifacts.slot(slot).isEmpty()) {
            return List.of();
        }
        if (slotInputs == null) {
            slotInputs = computeSlotInputs();
        }
        return slotInputs.getOrDefault(slot, List.of());
    }

    /**
     * Fraction of calibration images on which {@code model} predicts the class the default model predicts; empty
     * without calibration images.
     */
    OptionalDouble agreementWithDefault(ModelProto model) throws OrtException {
        if (isEmpty()) {
            return OptionalDouble.empty();
        }
        int[] reference;
        synchronized (this) {
            if (defaultPredictions == null) {
                defaultPredictions = predictions(artifacts.model());
            }
            reference = defaultPredictions;
        }
        int[] predicted = predictions(model);
        int same = 0;
        for (int i = 0; i < predicted.length; i++) {
            same += predicted[i] == reference[i] ? 1 : 0;
        }
        return OptionalDouble.of(same / (double) predicted.length);
    }

    private int[] predictions(ModelProto model) throws OrtException {
        float[][] logits = (float[][]) run(model).get(0);
        int[] classes = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int c = 1; c < logits[i].length; c++) {
                best = logits[i][c] > logits[i][best] ? c : best;
            }
            classes[i] = best;
        }
        return classes;
    }

    private Map<String, List<float[]>> computeSlotInputs() {
        long started = System.nanoTime();
        List<SlotSpec> slots = artifacts.slots();
        Map<String, long[]> shapes = ShapeInference.infer(artifacts.model());
        GraphProto.Builder graph = artifacts.model().getGraph().toBuilder().clearOutput();
        for (SlotSpec slot : slots) {
            String tensor = artifacts.boundary(slot.name()).inputTensor();
            graph.addOutput(ValueInfos.floatTensor(tensor, shapes.get(tensor)));
        }
        ModelProto probe = artifacts.model().toBuilder().setGraph(graph).build();
        Map<String, List<float[]>> inputs = new HashMap<>();
        try {
            List<Object> outputs = run(probe);
            for (int s = 0; s < slots.size(); s++) {
                inputs.put(slots.get(s).name(), flatten((float[][][][]) outputs.get(s)));
            }
        } catch (OrtException e) {
            LOG.log(Level.WARNING, "calibration activations could not be computed: " + e.getMessage(), e);
            return Map.of();
        }
        LOG.log(Level.INFO, "calibration: activations of {0} images at {1} slots in {2} ms",
                artifacts.calibrationImages().size(), slots.size(), (System.nanoTime() - started) / 1_000_000);
        return inputs;
    }

    /** Runs the calibration images through a model and returns every output's value. */
    private List<Object> run(ModelProto model) throws OrtException {
        List<float[]> images = artifacts.calibrationImages();
        int size = artifacts.inputShape().elementCount();
        FloatBuffer packed = FloatBuffer.allocate(size * images.size());
        images.forEach(packed::put);
        packed.flip();
        long[] shape = {images.size(), artifacts.inputShape().channels(), artifacts.inputShape().height(),
                artifacts.inputShape().width()};
        OrtSession session = sessions.create(OnnxModelIO.write(model));
        try (OnnxTensor input = OnnxTensor.createTensor(environment, packed, shape);
                OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < result.size(); i++) {
                values.add(result.get(i).getValue());
            }
            return values;
        } finally {
            sessions.close(session);
        }
    }

    private static List<float[]> flatten(float[][][][] batch) {
        List<float[]> samples = new ArrayList<>(batch.length);
        for (float[][][] sample : batch) {
            int c = sample.length;
            int h = sample[0].length;
            int w = sample[0][0].length;
            float[] flat = new float[c * h * w];
            int k = 0;
            for (float[][] plane : sample) {
                for (float[] row : plane) {
                    System.arraycopy(row, 0, flat, k, w);
                    k += w;
                }
            }
            samples.add(flat);
        }
        return samples;
    }
}
