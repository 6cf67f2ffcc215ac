package io.morphgate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelDescriptor.ChannelOrder;

class ModelDescriptorsTest {

    private static final String RESNET = """
            {"id": "resnet18", "version": "1.0.0", "onnx": "resnet18.onnx",
             "input": {"tensor": "input", "channels": 3, "height": 224, "width": 224, "resize": 256,
                       "channelOrder": "RGB", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
             "output": {"tensor": "logits"}}
            """;

    @Test
    void readsADescriptorWithItsDefaults() throws IOException {
        ModelDescriptor d = read(RESNET);
        assertEquals("resnet18", d.id());
        assertEquals(List.of(0.485, 0.456, 0.406), d.input().mean());
        assertEquals(256, d.input().resize());
        assertEquals(ChannelOrder.RGB, d.input().channelOrder());
        assertEquals(List.of(), d.labels(), "no labels: classes are named by index");
        assertNull(d.calibration());
        assertEquals("3x224x224", d.input().shape().toString());
    }

    @Test
    void writtenDescriptorReadsBackEqual() throws IOException {
        ModelDescriptor d = read(RESNET);
        assertEquals(d, read(ModelDescriptors.write(d)));
    }

    @Test
    void refusesUnknownFieldsNamingThem() {
        String typo = RESNET.replace("\"resize\"", "\"resise\"");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> read(typo));
        assertTrue(e.getMessage().contains("input.resise"), e.getMessage());
    }

    @Test
    void refusesAMeanWithTheWrongNumberOfChannels() {
        String wrong = RESNET.replace("[0.485, 0.456, 0.406]", "[0.5]");
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> read(wrong));
        assertTrue(e.getMessage().contains("input.mean needs 3"), e.getMessage());
    }

    @Test
    void refusesZeroStdAndPathsThatLeaveTheBundle() {
        assertThrows(InvalidModelException.class, () -> read(RESNET.replace("0.229", "0")));
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> read(RESNET.replace("\"resnet18.onnx\"", "\"../secret.onnx\"")));
        assertTrue(e.getMessage().startsWith("onnx"), e.getMessage());
    }

    @Test
    void refusesACropLargerThanTheResize() {
        InvalidModelException e = assertThrows(InvalidModelException.class,
                () -> read(RESNET.replace("256", "200")));
        assertTrue(e.getMessage().contains("input.resize"), e.getMessage());
    }

    @Test
    void refusesMissingAndMistypedFields() {
        assertTrue(assertThrows(InvalidModelException.class, () -> read(RESNET.replace("\"id\": \"resnet18\",", "")))
                .getMessage().contains("missing field id"));
        assertTrue(assertThrows(InvalidModelException.class, () -> read(RESNET.replace("\"height\": 224", "\"height\": \"224\"")))
                .getMessage().contains("input.height must be a number"));
        assertThrows(InvalidModelException.class, () -> read("[1, 2]"));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> read("{\"id\": \"a\" \"b\"}"));
        assertEquals("the descriptor is not JSON: at line 1 column 13", e.getMessage());
    }

    private static ModelDescriptor read(String json) throws IOException {
        return ModelDescriptors.read(new StringReader(json));
    }
}
