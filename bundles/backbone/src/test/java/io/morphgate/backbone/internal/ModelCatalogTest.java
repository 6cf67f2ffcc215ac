package io.morphgate.backbone.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ModelCatalogTest {

    /**
     * The built-in model's slots.json names its backbone id by hand, so a retrained file under the same manifest keeps
     * it: only the model id and the file's SHA-256, which the catalog hands the operators, tell the two apart (what
     * derived variants are kept under).
     */
    @Test
    void namesTheModelAndTheHashOfItsFileWhichTellANewVersionApartWhenTheBackboneIdDoesNot() {
        BackboneArtifacts fashion = TestBackbones.synthetic();
        String otherFile = "ab".repeat(32);
        BackboneArtifacts retrained = BackboneArtifacts.of(fashion.descriptor(), fashion.model(), otherFile,
                fashion.manifest().orElseThrow(), List.of());
        ModelCatalog before = new ModelCatalog(fashion, null);
        ModelCatalog after = new ModelCatalog(retrained, null);
        assertEquals(before.backboneId(), after.backboneId(), "the manifest's hand-kept backbone id");
        assertEquals(Optional.of(fashion.id()), before.modelId());
        assertEquals(Optional.of(fashion.sha256()), before.modelSha256());
        assertEquals(Optional.of(otherFile), after.modelSha256());
        assertNotEquals(before.modelSha256(), after.modelSha256());
    }
}
