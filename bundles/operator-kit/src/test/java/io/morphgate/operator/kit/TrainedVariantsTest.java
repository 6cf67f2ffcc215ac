package io.morphgate.operator.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TrainedVariant;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.operator.kit.testing.FakeOperatorFramework;

class TrainedVariantsTest {

    private static final SlotCatalog CATALOG = FakeOperatorFramework.catalog(false);
    /** What the model ships: {@code variants/<id>.onnx} and {@code .json}, as a model bundle lays them out. */
    private final Map<String, TrainedVariant> shipped = new HashMap<>();
    private final SlotCatalog model = FakeOperatorFramework.catalog(false, id -> Optional.ofNullable(shipped.get(id)));
    private static final SlotSpec CONV4 = FakeOperatorFramework.SLOTS.get(3);

    @Test
    void shippedTrainedParametersForThisBackboneReplaceTheSeededOnes() throws IOException {
        BlockVariant seeded = variant("op-conv4", 1f);
        ship("op-conv4", graph(2f), CATALOG.backboneId(), 0.913);
        BlockVariant chosen = TrainedVariants.preferTrained(model, List.of(seeded)).get(0);
        assertEquals(Provenance.TRAINED, chosen.descriptor().provenance());
        assertEquals(0.913, chosen.descriptor().expectedAccuracy().getAsDouble(), 1e-12);
        assertEquals("feature matching then fine-tuning", chosen.descriptor().provenanceDetail());
        assertEquals(OnnxModelIO.read(chosen.subGraph()), graph(2f));
    }

    @Test
    void parametersTrainedForAnotherBackboneAreNotUsed() throws IOException {
        BlockVariant seeded = variant("op-conv4", 1f);
        ship("op-conv4", graph(2f), "some-other-backbone", 0.9);
        assertSame(seeded, TrainedVariants.preferTrained(model, List.of(seeded)).get(0));
    }

    @Test
    void unusableShippedFilesLeaveTheSeededVariant() throws IOException {
        BlockVariant seeded = variant("op-conv4", 1f);
        shipped.put("op-conv4", new TrainedVariant("op-conv4", "not onnx".getBytes(StandardCharsets.UTF_8),
                ("{\"backboneId\": \"" + CATALOG.backboneId() + "\"}").getBytes(StandardCharsets.UTF_8)));
        assertSame(seeded, TrainedVariants.preferTrained(model, List.of(seeded)).get(0));
    }

    @Test
    void variantsWithoutShippedFilesStayAsTheyAre() throws IOException {
        BlockVariant seeded = variant("op-conv4", 1f);
        assertSame(seeded, TrainedVariants.preferTrained(model, List.of(seeded)).get(0));
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

    private void ship(String id, ModelProto graph, String backboneId, double accuracy) {
        shipped.put(id, new TrainedVariant(id, OnnxModelIO.write(graph), ("{\"id\": \"" + id + "\", \"slot\": "
                + "\"conv4\", \"backboneId\": \"" + backboneId + "\", \"testAccuracy\": " + accuracy
                + ", \"training\": \"feature matching then fine-tuning\"}").getBytes(StandardCharsets.UTF_8)));
    }
}
