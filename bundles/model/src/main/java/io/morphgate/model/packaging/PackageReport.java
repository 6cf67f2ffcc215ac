package io.morphgate.model.packaging;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelDescriptor.Input;
import io.morphgate.onnx.SlotDiscovery.Discovery;
import io.morphgate.onnx.SlotDiscovery.SkippedConv;
import io.morphgate.onnx.SlotDiscovery.Slot;

/** Prints what the gateway will find in a prepared model, before the jar is written. */
public final class PackageReport {

    private PackageReport() {
    }

    public static void print(ModelPackager.Prepared prepared, PrintWriter out) {
        InspectedModel m = prepared.model();
        ModelDescriptor d = prepared.descriptor();
        Input in = d.input();
        out.printf(Locale.ROOT, "model %s %s: %,d bytes of ONNX (IR %d, opset %d, from %s)%n", d.id(), d.version(),
                m.bytes().length, m.model().getIrVersion(), opset(m), producer(m));
        out.printf(Locale.ROOT, "input  %s %s: %d channel(s) %dx%d, resize %d, %s, mean %s, std %s%n",
                m.inputTensor(), InspectedModel.format(m.inputShape()), in.channels(), in.height(), in.width(),
                in.resize(), in.channels() == 1 ? "grey" : in.channelOrder(), in.mean(), in.std());
        out.printf(Locale.ROOT, "output %s [N,%d]: %d classes, %s%n", m.outputTensor(), m.classes(), m.classes(),
                d.labels().isEmpty() ? "no labels" : "labels " + abbreviated(d.labels()));
        out.printf(Locale.ROOT, "cost   %,d MACs and %,d params per sample%n", m.cost().macs(), m.cost().params());
        Discovery slots = m.slots();
        out.printf(Locale.ROOT, "slots  %d candidate(s)%n", slots.slots().size());
        for (Slot s : slots.slots()) {
            out.printf(Locale.ROOT, "  %s: %dx%d conv %s->%s, stride %dx%d, pads %s%s, then %s%n", s.name(),
                    s.kernel()[0], s.kernel()[1], channels(s.inChannels()), channels(s.outChannels()), s.strides()[0],
                    s.strides()[1], Arrays.toString(s.pads()), s.hasBias() ? ", bias" : "", tail(s));
        }
        out.printf(Locale.ROOT, "skipped %d convolution(s)%n", slots.skipped().size());
        for (SkippedConv s : slots.skipped()) {
            out.printf(Locale.ROOT, "  %s: %s%n", s.name(), s.explanation());
        }
        out.println("calibration " + (prepared.calibration() == null ? "none" : prepared.calibration().source()
                + " -> " + in.height() + "x" + in.width()));
        out.flush();
    }

    private static String tail(Slot s) {
        return switch (s.tail()) {
            case GRAPH_OUTPUT -> "the graph output";
            case OTHER -> s.tailOpType() + " " + s.tailNode();
            default -> s.tailOpType();
        };
    }

    private static String channels(long n) {
        return n < 0 ? "?" : String.valueOf(n);
    }

    private static long opset(InspectedModel m) {
        return m.model().getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(o -> o.getVersion()).max().orElse(-1);
    }

    private static String producer(InspectedModel m) {
        String name = m.model().getProducerName();
        return name.isEmpty() ? "an unnamed producer" : (name + " " + m.model().getProducerVersion()).trim();
    }

    private static String abbreviated(List<String> labels) {
        return labels.size() <= 5 ? labels.toString()
                : labels.subList(0, 5).toString().replace("]", ", ...]");
    }
}
