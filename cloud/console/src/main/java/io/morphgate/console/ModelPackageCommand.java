package io.morphgate.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import io.morphgate.api.model.ModelDescriptor.ChannelOrder;
import io.morphgate.model.packaging.CalibrationImages;
import io.morphgate.model.packaging.ModelBundleJar;
import io.morphgate.model.packaging.ModelPackager;
import io.morphgate.model.packaging.PackageReport;
import io.morphgate.model.packaging.PackagingException;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

@Command(name = "package", sortOptions = false,
        description = {"Packages an ONNX classifier as a model bundle: checks the graph as the gateway will, prints "
                + "what the gateway will find in it (input, output, MACs, params, candidate slots and the "
                + "convolutions skipped, calibration), then writes the jar.",
                "With --sign-with it also writes <out without .jar>.sig.json ({sha256, size, signature, keyId}, as "
                        + "'sign' prints): install the jar with 'install JAR --signature-file THAT.sig.json -g GW' "
                        + "(or simply 'install JAR --sign-with KEY -g GW').",
                "Exit codes: 0 written, 1 the model was refused (one line on stderr says why), 2 bad arguments."})
final class ModelPackageCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE.onnx", description = "The exported model (torch.onnx.export, tf2onnx).")
    Path onnx;

    @Option(names = "--id", required = true, description = "Model id: letters, digits, '.', '_', '-'; the bundle is "
            + "morphgate.model.<id>.")
    String id;

    @Option(names = "--version", defaultValue = "1.0.0", description = "Model version (default: ${DEFAULT-VALUE}).")
    String version;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class labels, one per line, in output order.")
    Path labels;

    @Option(names = "--mean", split = ",", paramLabel = "a,b,c", description = "Per-channel mean of pixels in [0, 1] "
            + "(default: 0, with a warning).")
    List<Double> mean;

    @Option(names = "--std", split = ",", paramLabel = "a,b,c", description = "Per-channel standard deviation "
            + "(default: 1, with a warning).")
    List<Double> std;

    @Option(names = "--size", paramLabel = "HxW", converter = SizeConverter.class,
            description = "Input height x width (default: the graph's; required if the graph leaves them symbolic).")
    InputSize size;

    @Option(names = "--resize", paramLabel = "N", defaultValue = "0", description = "Scale an image's shorter side "
            + "to N before the centre crop (0: scale straight to the input size; default).")
    int resize;

    @Option(names = "--channel-order", defaultValue = "RGB", description = "RGB or BGR (default: ${DEFAULT-VALUE}).")
    ChannelOrder channelOrder;

    @Option(names = "--calibration", paramLabel = "DIR-or-IDX", description = "A folder of PNG/JPEG images (taken "
            + "recursively, sorted by path) or an IDX file of images (.idx or .gz, e.g. Fashion-MNIST's).")
    Path calibration;

    @Option(names = "--calibration-count", paramLabel = "N", defaultValue = "64", description = "Take at most N "
            + "calibration images (default: ${DEFAULT-VALUE}, at most " + CalibrationImages.MAX_COUNT + ").")
    int calibrationCount;

    @Option(names = "--input-tensor", paramLabel = "NAME", description = "The input's name (default: the graph's "
            + "only input; refused if it differs).")
    String inputTensor;

    @Option(names = "--output-tensor", paramLabel = "NAME", description = "The output's name (default: the graph's "
            + "only output; refused if it differs).")
    String outputTensor;

    @Option(names = "--test-accuracy", paramLabel = "F", description = "The model's accuracy on its test set, 0..1.")
    Double testAccuracy;

    @Option(names = "--sign-with", paramLabel = "KEY", description = "Sign the jar with this <name>.key (see keygen).")
    Path signWith;

    @Option(names = "--key-id", description = "Key id for --sign-with (default: the key file's name without .key).")
    String keyId;

    @Option(names = "--out", required = true, paramLabel = "JAR", description = "The model bundle to write.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        long start = System.nanoTime();
        try {
            if (signWith != null && !Files.isReadable(signWith)) {
                throw new PackagingException("no signing key " + signWith + " (see keygen)");
            }
            ModelPackager.Prepared prepared = ModelPackager.prepare(new ModelPackager.Request(onnx, id, version,
                    labels, mean, std, size == null ? null : new int[] {size.height(), size.width()}, resize, channelOrder, calibration, calibrationCount, inputTensor,
                    outputTensor, testAccuracy));
            PackageReport.print(prepared, stdout);
            prepared.warnings().forEach(w -> stderr.println("warning: " + w));
            stderr.flush();
            ModelBundleJar.write(out, prepared.descriptor(), prepared.model().bytes(), prepared.calibrationIdx());
            stdout.printf("wrote %s (%,d bytes) in %d ms%n", out, Files.size(out), (System.nanoTime() - start) / 1_000_000);
            if (signWith != null) {
                Path signature = sign();
                stdout.println("signed: " + signature + "; install with: morphgate-console install " + out
                        + " --signature-file " + signature + " -g <gateway>");
            }
            stdout.flush();
            return Console.EXIT_OK;
        } catch (PackagingException e) {
            return refuse(stderr, e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            return refuse(stderr, "cannot write " + out + ": " + e.getMessage());
        }
    }

    /** Writes the signature file beside the jar. */
    private Path sign() throws Exception {
        JsonObject signed;
        try {
            signed = SignCommand.signature(out, signWith, keyId);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new PackagingException("cannot sign with " + signWith + ": " + e.getMessage(), e);
        }
        String name = out.getFileName().toString();
        Path file = out.resolveSibling((name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name)
                + ".sig.json");
        Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(signed) + "\n");
        return file;
    }

    private static int refuse(PrintWriter err, String message) {
        err.println("error: " + message);
        err.flush();
        return Console.EXIT_REFUSED;
    }

    /** --size: height and width. */
    record InputSize(int height, int width) {
    }

    /** "224x224" (or "224") to an input size. */
    static final class SizeConverter implements ITypeConverter<InputSize> {
        @Override
        public InputSize convert(String value) {
            String[] parts = value.toLowerCase(Locale.ROOT).split("x");
            try {
                int h = Integer.parseInt(parts[0].trim());
                int w = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : h;
                if (parts.length > 2 || h < 1 || w < 1) {
                    throw new NumberFormatException();
                }
                return new InputSize(h, w);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new TypeConversionException("'" + value + "' is not a size HxW, e.g. 224x224");
            }
        }
    }
}
