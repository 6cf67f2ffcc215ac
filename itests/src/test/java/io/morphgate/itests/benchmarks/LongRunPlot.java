package io.morphgate.itests.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws {@code long-run.png} from the {@code long-run.csv} that {@link LongRunBenchmark} writes: RSS (left axis) and
 * heap after GC (right axis) against the number of swaps. Runs outside OSGi after the benchmarks (profile
 * {@code benchmarks}, phase post-integration-test).
 */
public final class LongRunPlot {

    private LongRunPlot() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "docs/benchmarks");
        Path csv = dir.resolve("long-run.csv");
        if (!Files.isRegularFile(csv)) {
            System.out.println("long-run plot: no " + csv + " (LongRunBenchmark did not run); nothing to draw");
            return;
        }
        List<Double> swaps = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        List<Double> heap = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            swaps.add(Double.parseDouble(f[0]));
            heap.add(Double.parseDouble(f[2]));
            rss.add(Double.parseDouble(f[3]));
        }
        XYChart chart = new XYChartBuilder().width(1000).height(600)
                .title("Memory over consecutive swaps under inference load").xAxisTitle("swaps").yAxisTitle("MB")
                .build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setYAxisMin(0.0);
        chart.setYAxisGroupTitle(0, "RSS of the JVM (MB)");
        chart.setYAxisGroupTitle(1, "heap used after GC (MB)");
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        XYSeries r = chart.addSeries("RSS (left axis)", swaps, rss);
        r.setLineColor(new Color(31, 119, 180));
        r.setMarker(SeriesMarkers.NONE);
        XYSeries h = chart.addSeries("heap after GC (right axis)", swaps, heap);
        h.setYAxisGroup(1);
        h.setLineColor(new Color(214, 39, 40));
        h.setMarker(SeriesMarkers.NONE);
        BitmapEncoder.saveBitmap(chart, dir.resolve("long-run.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.println("long-run plot: wrote " + dir.resolve("long-run.png"));
    }
}
