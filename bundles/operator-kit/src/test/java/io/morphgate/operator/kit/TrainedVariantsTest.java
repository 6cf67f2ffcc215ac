package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

class TrainedVariantsTest {

    private static final SlotCatalog CATALOG = FakeOperatorFramework.catalog(false);
    private static final SlotSpec CONV4 = FakeOperatorFramework.SLOTS.get(3);

    @TempDir
    Path bundle;

    @Test
    void shippedTrainedParametersForThisBackboneReplaceTheSeededOnes() throws IOException {
        BlockVariant seeded = variant("op-conv4", 1f);
        ship("op-conv4", graph(2f), CATALOG.backboneId(), 0.913);
        BlockVariant chosen = TrainedVariants.preferTrained(loader(), CATALOG, List.of(seeded)).get(0);
        assertEquals(Provenance.TRAINED, chosen.descriptor().provenance());
        assertEquals(0.913, chosen.descriptor().expectedAccuracy().getAsDouble(), 1e-12);
        assertEquals("feature matching then fine-tuning", chosen.descriptor().provenanceDetail());
        assertEquals(OnnxModelIO.read(chosen.subGraph()), graph(2f));
    }

    @Test
    void parametersTrainedForAnotherBackboneAreNotUsed() throws IOException {
        BlockVariant seeded = variant("op-conv4", 1f);
        ship("op-conv4", graph(2f), "some-other-backbone", 0.9);
        assertSame(seeded, TrainedVariants.preferTrained(loader(), CATALOG, List.of(seeded)).get(0));
    }

    @Test
    void unusableShippedFilesLeaveTheSeededVariant() throws IOException {
        BlockVariant seeded = variant("op-conv4", 1f);
        Files.createDirectories(bundle.resolve("variants"));
        Files.writeString(bundle.resolve("variants/op-conv4.onnx"), "not onnx");
        Files.writeString(bundle.resolve("variants/op-conv4.json"), "{\"backboneId\": \"" + CATALOG.backboneId() + "\"}");
        assertSame(seeded, TrainedVariants.preferTrained(loader(), CATALOG, List.of(seeded)).get(0));
    }

    @Test
    void variantsWithoutShippedFilesStayAsTheyAre() throws IOException {
        BlockVariant seeded = variant("op-conv4", 1f);
        assertSame(seeded, TrainedVariants.preferTrained(loader(), CATALOG, List.of(seeded)).get(0));
    }

    private BlockVariant variant(String id, float weight) {
        return BlockVariant.of(id, OperatorKind.LOW_RANK, CONV4, Map.of(), Provenance.SYNTHETIC, "seeded",
                graph(weight));
    }

    /** A 1x1 convolution 64 -> 64 on 7x7, every weight {@code weight}. */
    private static ModelProto graph(float weight) {
        GraphBuilder g = new GraphBuilder("test");
        String x = g.input("input", 64, 7, 7);
        float[] w = new float[64 * 64];
        java.util.Arrays.fill(w, weight);
        x = g.conv(x, w, 64, 64, 1, 1, null, 1);
        return g.output(x, "output", 64, 7, 7).build();
    }

    private void ship(String id, ModelProto graph, String backboneId, double accuracy) throws IOException {
        Files.createDirectories(bundle.resolve("variants"));
        OnnxModelIO.write(graph, bundle.resolve("variants/" + id + ".onnx"));
        Files.writeString(bundle.resolve("variants/" + id + ".json"), "{\"id\": \"" + id + "\", \"slot\": \"conv4\", "
                + "\"backboneId\": \"" + backboneId + "\", \"testAccuracy\": " + accuracy
                + ", \"training\": \"feature matching then fine-tuning\"}");
    }

    private ClassLoader loader() throws IOException {
        return new URLClassLoader(new URL[] {bundle.toUri().toURL()}, null);
    }
}
