package io.morphgate.backbone.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.google.gson.GsonBuilder;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Generates the backbone's structure with fixed-seed parameters: the template the cloud trainer starts from (it
 * keeps a copy as {@code backbone-template.onnx}) and writes back, trained, as {@code model/backbone.onnx} and
 * {@code model/slots.json}. The bundle ships the trained files; {@code BackboneArtifactsTest} checks that they keep
 * this structure. Running {@link #main} overwrites the trained files with untrained ones: only to change the
 * architecture, followed by a retraining.
 *
 * <pre>
 * input 1x28x28 -> stem conv3x3(1->16)+BN+ReLU
 *   -> conv1: conv3x3(16->32)+BN+ReLU+maxpool2   (28 -> 14)
 *   -> conv2: conv3x3(32->32)+BN+ReLU
 *   -> conv3: conv3x3(32->64)+BN+ReLU+maxpool2   (14 -> 7)
 *   -> conv4: conv3x3(64->64)+BN+ReLU
 *   -> flatten -> gemm(3136->10) -> logits
 * </pre>
 *
 * Regenerate with {@code mvn -q -pl bundles/backbone test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.morphgate.backbone.internal.SyntheticBackbone}.
 */
public final class SyntheticBackbone {

    static final long SEED = 20261127L;
    static final float BN_EPSILON = 1e-5f;
    static final List<String> LABELS = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** One slot of the architecture. */
    record Layer(String name, int in, int out, int size, boolean pool) {
    }

    static final List<Layer> SLOTS = List.of(new Layer("conv1", 16, 32, 28, true), new Layer("conv2", 32, 32, 14, false),
            new Layer("conv3", 32, 64, 14, true), new Layer("conv4", 64, 64, 7, false));

    record Generated(ModelProto model, SlotManifest manifest) {
    }

    /** Calibration images: every 937th image of the Fashion-MNIST training split, 64 in all. */
    static final String CALIBRATION_FILE = "calibration-images.idx";
    static final int CALIBRATION_COUNT = 64;
    static final Path TRAIN_IMAGES = Path.of("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");

    private SyntheticBackbone() {
    }

    static Generated generate(long seed) {
        Random random = new Random(seed);
        GraphBuilder g = new GraphBuilder("morphgate-backbone");
        String x = g.input("image", 1, 28, 28);
        g.withName("stem");
        x = g.conv(x, normal(random, 16 * 9, (float) Math.sqrt(2.0 / 9)), 16, 1, 3, 3, null, 1);
        x = g.rename(g.relu(batchNorm(g, random, x, 16)), "stem_out");
        List<SlotManifest.Slot> slots = new ArrayList<>();
        for (Layer layer : SLOTS) {
            g.withName(layer.name());
            String in = x;
            String conv = g.conv(in, normal(random, layer.out() * layer.in() * 9,
                    (float) Math.sqrt(2.0 / (layer.in() * 9))), layer.out(), layer.in(), 3, 3, null, 1);
            String bn = batchNorm(g, random, conv, layer.out());
            x = g.relu(bn);
            x = g.rename(layer.pool() ? g.maxPool(x, 2, 2) : x, layer.name() + "_out");
            int outSize = layer.pool() ? layer.size() / 2 : layer.size();
            slots.add(new SlotManifest.Slot(layer.name(), in, x, List.of(layer.in(), layer.size(), layer.size()),
                    List.of(layer.out(), outSize, outSize), 3,
                    "conv3x3(" + layer.in() + "->" + layer.out() + ")+BN+ReLU" + (layer.pool() ? "+maxpool2" : ""),
                    new SlotManifest.SlotParameters(conv + "/W", bn + "/scale", bn + "/bias", bn + "/mean",
                            bn + "/var", BN_EPSILON)));
        }
        g.withName("head");
        x = g.flatten(x);
        x = g.gemm(x, normal(random, 10 * 3136, (float) Math.sqrt(1.0 / 3136)), 10, 3136, normal(random, 10, 0.01f));
        ModelProto model = g.output(x, "logits", 10).build();
        SlotManifest manifest = new SlotManifest("synthetic-seed-" + seed,
                "Slot architecture with fixed-seed parameters (not trained): right shapes, meaningless predictions.",
                new SlotManifest.Port("image", List.of(1, 28, 28)), new SlotManifest.Port("logits", List.of(10)),
                LABELS, new SlotManifest.Normalization(0.2860f, 0.3530f), slots,
                new SlotManifest.Calibration(CALIBRATION_FILE), null);
        return new Generated(model, manifest);
    }

    private static String batchNorm(GraphBuilder g, Random random, String x, int channels) {
        return g.batchNorm(x, around(random, channels, 1f, 0.1f), around(random, channels, 0f, 0.1f),
                around(random, channels, 0f, 0.1f), positive(random, channels), BN_EPSILON);
    }

    private static float[] normal(Random random, int count, float std) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian() * std;
        }
        return v;
    }

    private static float[] around(Random random, int count, float centre, float spread) {
        float[] v = normal(random, count, spread);
        for (int i = 0; i < count; i++) {
            v[i] += centre;
        }
        return v;
    }

    private static float[] positive(Random random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = 0.5f + random.nextFloat();
        }
        return v;
    }

    /** Picks the calibration images out of Debian's dataset-fashion-mnist and writes them as an uncompressed IDX. */
    static byte[] calibrationImages() throws IOException {
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(TRAIN_IMAGES)))) {
            in.readInt();
            int count = in.readInt();
            int rows = in.readInt();
            int columns = in.readInt();
            int stride = count / CALIBRATION_COUNT;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DataOutputStream idx = new DataOutputStream(out);
            idx.writeInt(0x00000803);
            idx.writeInt(CALIBRATION_COUNT);
            idx.writeInt(rows);
            idx.writeInt(columns);
            byte[] image = new byte[rows * columns];
            for (int i = 0; i < CALIBRATION_COUNT * stride; i++) {
                in.readFully(image);
                if (i % stride == 0) {
                    idx.write(image);
                }
            }
            idx.flush();
            return out.toByteArray();
        }
    }

    /**
     * Writes model/backbone.onnx and model/slots.json under the given resources folder (default: the Fashion-MNIST
     * model bundle's); its model.json stays as it is.
     */
    public static void main(String[] args) throws IOException {
        Path resources = Path.of(args.length > 0 ? args[0] : "../../models/fashion-mnist/src/main/resources");
        Generated generated = generate(SEED);
        Path model = resources.resolve("model/backbone.onnx");
        Files.createDirectories(model.getParent());
        OnnxModelIO.write(generated.model(), model);
        Files.writeString(model.resolveSibling("slots.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(generated.manifest()) + "\n",
                StandardCharsets.UTF_8);
        Files.write(model.resolveSibling(CALIBRATION_FILE), calibrationImages());
        System.out.println("wrote " + model + ",  slots.json and " + CALIBRATION_FILE);
    }
}
