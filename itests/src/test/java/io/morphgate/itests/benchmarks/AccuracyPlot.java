package io.morphgate.itests.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;

/**
 * Draws {@code accuracy.png} from the {@code accuracy.json} that {@link AccuracyBenchmark} writes: accuracy against
 * measured latency, every single-slot swap in grey, the best configuration per MAC budget in colour, the full model
 * in black. Runs outside OSGi after the benchmarks (profile {@code benchmarks}, phase post-integration-test).
 */
public final class AccuracyPlot {

    private AccuracyPlot() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "docs/benchmarks");
        Path json = dir.resolve("accuracy.json");
        if (!Files.isRegularFile(json)) {
            System.out.println("accuracy plot: no " + json + " (AccuracyBenchmark did not run); nothing to draw");
            return;
        }
        Map<String, Object> data;
        try (Reader in = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            data = new Gson().fromJson(in, new TypeToken<Map<String, Object>>() { }.getType());
        }
        XYChart chart = new XYChartBuilder().width(1000).height(650).title("Accuracy against latency (Fashion-MNIST test set, measured on the gateway)")
                .xAxisTitle("p50 latency of one inference (ms)").yAxisTitle("test accuracy (%)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(15f));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> singles = (List<Map<String, Object>>) data.get("singles");
        add(chart, "one slot swapped (each variant alone)", singles, new Color(150, 150, 150), SeriesMarkers.CIRCLE);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> budgets = (List<Map<String, Object>>) data.get("budgets");
        Color[] palette = {new Color(31, 119, 180), new Color(44, 160, 44), new Color(255, 127, 14),
            new Color(214, 39, 40)};
        for (int i = 0; i < budgets.size(); i++) {
            add(chart, "best under MAC " + budgets.get(i).get("name"), List.of(budgets.get(i)),
                    palette[i % palette.length], SeriesMarkers.DIAMOND);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> full = (Map<String, Object>) data.get("full");
        add(chart, "full model", List.of(full), Color.BLACK, SeriesMarkers.SQUARE);
        BitmapEncoder.saveBitmap(chart, dir.resolve("accuracy.png").toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.println("accuracy plot: wrote " + dir.resolve("accuracy.png"));
    }

    private static void add(XYChart chart, String name, List<Map<String, Object>> rows, Color color,
            org.knowm.xchart.style.markers.Marker marker) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            x.add(((Number) row.get("p50LatencyMillis")).doubleValue());
            y.add(100 * ((Number) row.get("accuracy")).doubleValue());
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        series.setMarkerColor(color);
        series.setMarker(marker);
    }
}
