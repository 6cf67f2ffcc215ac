package io.morphgate.model.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.morphgate.model.IdxImages;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelDescriptor.ChannelOrder;
import io.morphgate.api.model.ModelDescriptor.Input;
import io.morphgate.model.packaging.CalibrationImages.Calibration;
import io.morphgate.model.InvalidModelException;
import io.morphgate.model.ModelDescriptors;

/**
 * Checks everything a model bundle will carry before anything is written: the ONNX graph (as the gateway will), the
 * labels against the classes, mean and std against the channels, the descriptor (strictly, as the gateway reads it)
 * and the calibration images.
 */
public final class ModelPackager {

    /**
     * What the user asked for. Null means "not given": the graph's input and output, its size, no labels, mean 0 and
     * std 1 (with a warning), no calibration.
     */
    public record Request(Path onnx, String id, String version, Path labels, List<Double> mean, List<Double> std,
            int[] size, int resize, ChannelOrder channelOrder, Path calibration, int calibrationCount,
            String inputTensor, String outputTensor, Double testAccuracy) {
    }

    /** A model ready to be written: what the gateway will find, its descriptor, and what the user should know. */
    public record Prepared(InspectedModel model, ModelDescriptor descriptor, Calibration calibration,
            List<String> warnings) {

        /** The calibration IDX bytes, or null. */
        public byte[] calibrationIdx() {
            return calibration == null ? null : IdxImages.write(calibration.images());
        }
    }

    private ModelPackager() {
    }

    public static Prepared prepare(Request request) throws PackagingException {
        List<String> warnings = new ArrayList<>();
        InspectedModel model = ModelInspection.inspect(request.onnx(), request.inputTensor(), request.outputTensor(),
                request.size());
        List<String> labels = labels(request.labels(), model, warnings);
        Input input = new Input(model.inputTensor(), model.channels(), model.height(), model.width(),
                request.resize(), request.channelOrder(),
                perChannel("--mean", request.mean(), 0.0, model.channels(), warnings),
                perChannel("--std", request.std(), 1.0, model.channels(), warnings));
        ModelDescriptor descriptor;
        try {
            descriptor = ModelDescriptors.validate(new ModelDescriptor(request.id(), request.version(), null,
                    ModelBundleJar.ONNX, input, new ModelDescriptor.Output(model.outputTensor()), labels,
                    request.calibration() == null ? null : ModelBundleJar.CALIBRATION, null, request.testAccuracy()));
        } catch (InvalidModelException e) {
            throw new PackagingException("the model descriptor would be invalid: " + e.getMessage(), e);
        }
        Calibration calibration = request.calibration() == null ? null
                : CalibrationImages.read(request.calibration(), request.calibrationCount(), input);
        if (calibration == null) {
            warnings.add("no --calibration: the bundle carries no calibration images (the gateway uses them to "
                    + "recalibrate derived variants and to check a new configuration before it serves)");
        }
        if (model.sizeFromOption()) {
            warnings.add("the graph's input height and width are symbolic; the descriptor fixes them at "
                    + model.height() + "x" + model.width());
        }
        return new Prepared(model, descriptor, calibration, List.copyOf(warnings));
    }

    private static List<String> labels(Path file, InspectedModel model, List<String> warnings)
            throws PackagingException {
        if (file == null) {
            warnings.add("no --labels: the gateway names the " + model.classes() + " classes by their index");
            return List.of();
        }
        List<String> labels;
        try {
            labels = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new PackagingException("cannot read labels file " + file + ": " + e.getMessage(), e);
        }
        if (labels.size() != model.classes()) {
            throw new PackagingException("labels file " + file + " has " + labels.size() + " label(s), but output "
                    + model.outputTensor() + " has " + model.classes() + " classes");
        }
        return labels;
    }

    private static List<Double> perChannel(String option, List<Double> values, double fallback, int channels,
            List<String> warnings) throws PackagingException {
        if (values == null) {
            warnings.add("no " + option + ": " + fallback + " for every channel; give the values the model was "
                    + "trained with, or the gateway will feed it inputs it has never seen");
            return Collections.nCopies(channels, fallback);
        }
        if (values.size() != channels) {
            throw new PackagingException(option + " has " + values.size() + " value(s), but the model's input has "
                    + channels + " channel(s)");
        }
        return List.copyOf(values);
    }
}
