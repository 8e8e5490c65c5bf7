package io.loopforge.cli;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A PNG of a few y-against-x series on logarithmic axes, with markers: e.g. an error against a size. */
final class XyPlot {
  private static final Color[] COLOURS = {new Color(0x1F5FA8), new Color(0xC0392B), new Color(0x27AE60),
      new Color(0xE67E22), new Color(0x8E44AD)};

  private record Series(String name, int colour, double[] x, double[] y) {}

  private final String title;
  private final String xTitle;
  private final String yTitle;
  private final List<Series> series = new ArrayList<>();

  XyPlot(String title, String xTitle, String yTitle) {
    this.title = title;
    this.xTitle = xTitle;
    this.yTitle = yTitle;
  }

  /** Adds a series drawn in colour number {@code colour}; its marker says whether it is the first of its colour. */
  XyPlot series(String name, int colour, double[] x, double[] y) {
    series.add(new Series(name, colour, x.clone(), y.clone()));
    return this;
  }

  void write(Path png) throws IOException {
    XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setMarkerSize(9);
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (Series s : series) {
      XYSeries added = chart.addSeries(s.name(), s.x(), s.y());
      Color c = COLOURS[s.colour() % COLOURS.length];
      added.setLineColor(c);
      added.setMarkerColor(c);
      added.setMarker(seen.add(s.colour()) ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
    }
    TimeSeriesPlot.writePng(BitmapEncoder.getBufferedImage(chart), png);
  }
}
