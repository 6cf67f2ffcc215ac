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
import java.util.function.Function;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;

/**
 * Draws {@code policy.png} from the {@code policy.json} that {@link PolicyBenchmark} writes: four charts over the
 * same time axis (median latency and the latency budget; tail latency; MACs of the serving configuration and the MAC
 * budget; clients). Runs
 * outside OSGi after the benchmarks (profile {@code benchmarks}, phase post-integration-test).
 */
public final class PolicyPlot {

    private PolicyPlot() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "docs/benchmarks");
        Path json = dir.resolve("policy.json");
        if (!Files.isRegularFile(json)) {
            System.out.println("policy plot: no " + json + " (PolicyBenchmark did not run); nothing to draw");
            return;
        }
        Map<String, Object> data;
        try (Reader in = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            data = new Gson().fromJson(in, new TypeToken<Map<String, Object>>() { }.getType());
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> samples = (List<Map<String, Object>>) data.get("samples");
        XYChart latency = chart("Median time in the model per inference (last second), and the latency budget;"
                + " axis cut at 3 x the typical median", "ms");
        List<Double> medians = new ArrayList<>();
        samples.forEach(s -> {
            Double m = number(s.get("p50"));
            if (m != null) {
                medians.add(m);
            }
        });
        medians.sort(null);
        if (!medians.isEmpty()) {
            latency.getStyler().setYAxisMin(0.0);
            latency.getStyler().setYAxisMax(3 * medians.get(medians.size() / 2));
        }
        line(latency, "p50 over the last second", samples, s -> number(s.get("p50")), new Color(255, 127, 14));
        line(latency, "latency budget", samples, s -> number(s.get("latencyBudget")), Color.BLACK);
        XYChart tail = chart("99th percentile (last second; other processes on the shared machine dominate it)",
                "ms (log)");
        tail.getStyler().setYAxisLogarithmic(true);
        line(tail, "p99 over the last second", samples, s -> number(s.get("p99")), new Color(214, 39, 40));
        XYChart configuration = chart("Serving configuration (MACs, % of the full model) and the MAC budget",
                "% of full model MACs");
        line(configuration, "serving configuration", samples, s -> number(s.get("macsPercent")), new Color(31, 119, 180));
        line(configuration, "MAC budget", samples, s -> number(s.get("macsBudgetPercent")), Color.BLACK);
        XYChart clients = chart("Load: concurrent clients calling the inference service", "clients");
        line(clients, "clients", samples, s -> number(s.get("clients")), new Color(44, 160, 44));
        clients.getStyler().setXAxisTitleVisible(true);
        BitmapEncoder.saveBitmap(List.of(latency, tail, configuration, clients), 4, 1, dir.resolve("policy.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        System.out.println("policy plot: wrote " + dir.resolve("policy.png"));
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(1100).height(320).title(title).xAxisTitle("time (s)")
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(0);
        return chart;
    }

    private static void line(XYChart chart, String name, List<Map<String, Object>> samples,
            Function<Map<String, Object>, Double> y, Color color) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Map<String, Object> s : samples) {
            Double value = y.apply(s);
            if (value != null && Double.isFinite(value)) {
                xs.add(number(s.get("t")));
                ys.add(value);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, xs, ys);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        series.setLineColor(color);
        series.setMarker(SeriesMarkers.NONE);
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.valueOf(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
