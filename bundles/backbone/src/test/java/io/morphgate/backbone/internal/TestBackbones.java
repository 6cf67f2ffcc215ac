package io.morphgate.backbone.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.OnnxModelIO;

/** Backbones and variants built in memory for unit tests of one piece (the real bundles are tested in itests). */
final class TestBackbones {

    private TestBackbones() {
    }

    /** Where the Fashion-MNIST model bundle keeps its files, from this module's folder. */
    static final Path FASHION_MNIST = Path.of("../../models/fashion-mnist/src/main/resources/model");

    /** The Fashion-MNIST model as its model bundle lays it out, with its calibration images. */
    static BackboneArtifacts synthetic() {
        return BackboneArtifacts.read(TestBackbones::open, "model/model.json");
    }

    /** A file of the Fashion-MNIST model bundle by its path in the bundle, or null. */
    static InputStream open(String path) {
        Path file = FASHION_MNIST.resolveSibling(path);
        try {
            return Files.exists(file) ? Files.newInputStream(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A low-rank-shaped variant (1x3 then 3x1 conv, BN, ReLU, pool when the slot pools) with seeded weights. */
    static ModelProto lowRankLike(SlotSpec slot, int rank, long seed, int outChannels) {
        Random random = new Random(seed);
        int in = slot.input().channels();
        GraphBuilder g = new GraphBuilder("test-variant");
        String x = g.input("input", in, slot.input().height(), slot.input().width());
        x = g.conv(x, normal(random, rank * in * 3, 0.3f), rank, in, 1, 3, null, 1, 1, 0, 1, 0, 1, 1);
        x = g.conv(x, normal(random, outChannels * rank * 3, 0.3f), outChannels, rank, 3, 1, null, 1, 1, 1, 0, 1, 0, 1);
        x = g.batchNorm(x, ones(outChannels), new float[outChannels], new float[outChannels], ones(outChannels), 1e-5f);
        x = g.relu(x);
        if (slot.downsamples()) {
            x = g.maxPool(x, 2, 2);
        }
        return g.output(x, "output", outChannels, slot.output().height(), slot.output().width()).build();
    }

    static OperatorVariant variant(String id, SlotSpec slot, ModelProto graph) {
        VariantDescriptor d = new VariantDescriptor(id, OperatorKind.LOW_RANK, slot.name(), Map.of(), 0, 0,
                Provenance.SYNTHETIC, "test", OptionalDouble.empty());
        byte[] bytes = OnnxModelIO.write(graph);
        return new OperatorVariant() {
            @Override
            public VariantDescriptor descriptor() {
                return d;
            }

            @Override
            public byte[] subGraph() {
                return bytes;
            }
        };
    }

    static Map<String, Object> properties(long serviceId, String slot, String id) {
        return Map.of("service.id", serviceId, "morphgate.slot", slot, "morphgate.variant.id", id,
                "service.bundleid", 7L);
    }

    static float[] randomInput(Random random, int size) {
        return normal(random, size, 1f);
    }

    private static float[] normal(Random random, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian() * std;
        }
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
