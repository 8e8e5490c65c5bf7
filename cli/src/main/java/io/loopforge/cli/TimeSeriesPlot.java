package io.loopforge.cli;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.Trajectory;
import io.loopforge.modeling.io.AtomicFile;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG of signals over time: one panel per signal, stacked, sharing the time axis. Drawn with XChart;
 * long series are thinned to at most {@value #MAX_POINTS} points per panel (min/max per bucket, so
 * spikes stay visible).
 */
final class TimeSeriesPlot {
  static final int MAX_POINTS = 4000;
  private static final int WIDTH = 1000;
  private static final int PANEL_HEIGHT = 170;
  /** Colours of the overlaid curves of a panel, in the order they were added. */
  private static final Color[] OVERLAY_COLOURS = {new Color(0xE67E22), new Color(0x27AE60), new Color(0x8E44AD),
      new Color(0x7F8C8D), new Color(0xD35400)};

  private final String title;
  private final List<String> names = new ArrayList<>();
  private final List<double[]> times = new ArrayList<>();
  private final List<double[]> values = new ArrayList<>();
  private final List<String> units = new ArrayList<>();
  private final List<List<Overlay>> overlays = new ArrayList<>();

  /** A second curve in a panel, e.g. a prediction beside the measured signal. */
  private record Overlay(String label, double[] t, double[] v) {}

  TimeSeriesPlot(String title) {
    this.title = title;
  }

  /** Adds one panel. */
  TimeSeriesPlot add(String name, String unit, double[] t, double[] v) {
    names.add(name);
    units.add(unit);
    times.add(t);
    values.add(v);
    overlays.add(new ArrayList<>());
    return this;
  }

  /** The time axis of the panel named {@code panel}, s. */
  double[] times(String panel) {
    return times.get(panelIndex(panel));
  }

  /** The values of the panel named {@code panel}. */
  double[] values(String panel) {
    return values.get(panelIndex(panel));
  }

  private int panelIndex(String panel) {
    int p = names.indexOf(panel);
    if (p < 0) {
      throw new IllegalArgumentException("no panel " + panel + " in " + names);
    }
    return p;
  }

  /** Adds a curve to the panel named {@code panel} (drawn dashed, in a second colour). */
  TimeSeriesPlot overlay(String panel, String label, double[] t, double[] v) {
    overlays.get(panelIndex(panel)).add(new Overlay(label, t, v));
    return this;
  }

  /** Adds a panel per state and per input of the trajectory. */
  static TimeSeriesPlot of(String title, Trajectory trajectory) {
    TimeSeriesPlot plot = new TimeSeriesPlot(title);
    double[] t = trajectory.times();
    double[][] x = trajectory.statesUnsafe();
    double[][] u = trajectory.inputsUnsafe();
    for (int j = 0; j < trajectory.stateDim(); j++) {
      plot.add(trajectory.stateNames().get(j), "state", t, column(x, j));
    }
    for (int j = 0; j < trajectory.inputDim(); j++) {
      plot.add(trajectory.inputNames().get(j), "input", t, column(u, j));
    }
    return plot;
  }

  /**
   * Adds a panel per state and per input of the dataset, its trajectories drawn back to back on one
   * time axis (each starting one sample after the previous one ends).
   */
  static TimeSeriesPlot of(String title, Dataset dataset) {
    if (dataset.size() == 1) {
      return of(title, dataset.get(0));
    }
    int n = dataset.sampleCount();
    int nx = dataset.stateDim();
    int nu = dataset.inputDim();
    double[] t = new double[n];
    double[][] x = new double[n][];
    double[][] u = new double[n][];
    int k = 0;
    double offset = 0;
    for (Trajectory tr : dataset.trajectories()) {
      double[] tt = tr.timesUnsafe();
      double step = tr.size() > 1 ? tt[1] - tt[0] : 0;
      for (int i = 0; i < tr.size(); i++, k++) {
        t[k] = offset + tt[i] - tt[0];
        x[k] = tr.statesUnsafe()[i];
        u[k] = tr.inputsUnsafe()[i];
      }
      offset = t[k - 1] + step;
    }
    TimeSeriesPlot plot = new TimeSeriesPlot(title + " (" + dataset.size() + " episodes back to back)");
    for (int j = 0; j < nx; j++) {
      plot.add(dataset.stateNames().get(j), "state", t, column(x, j));
    }
    for (int j = 0; j < nu; j++) {
      plot.add(dataset.inputNames().get(j), "input", t, column(u, j));
    }
    return plot;
  }

  static double[] column(double[][] m, int j) {
    double[] c = new double[m.length];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i][j];
    }
    return c;
  }

  void write(Path png) throws IOException {
    int panels = names.size();
    BufferedImage image = new BufferedImage(WIDTH, PANEL_HEIGHT * panels + 40, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(g.getFont().deriveFont(16f));
      g.drawString(title, 12, 26);
      for (int p = 0; p < panels; p++) {
        XYChart chart = panel(p, p == panels - 1);
        g.drawImage(BitmapEncoder.getBufferedImage(chart), 0, 40 + p * PANEL_HEIGHT, null);
      }
    } finally {
      g.dispose();
    }
    writePng(image, png);
  }

  /** Writes {@code image} as a PNG file, atomically (the plots of the CLI). */
  static void writePng(BufferedImage image, Path png) throws IOException {
    AtomicFile.write(png, out -> {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer available");
      }
    });
  }

  private XYChart panel(int p, boolean last) {
    XYChart chart =
        new XYChartBuilder().width(WIDTH).height(PANEL_HEIGHT).xAxisTitle(last ? "t (s)" : "").build();
    chart.getStyler().setLegendVisible(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setXAxisDecimalPattern("#0.##");
    double[][] thin = thin(times.get(p), values.get(p));
    chart
        .addSeries(names.get(p) + " (" + units.get(p) + ")", thin[0], thin[1])
        .setMarker(SeriesMarkers.NONE)
        .setLineColor(units.get(p).equals("input") ? new Color(0xC0392B) : new Color(0x1F5FA8));
    List<Overlay> more = overlays.get(p);
    for (int i = 0; i < more.size(); i++) {
      Overlay o = more.get(i);
      double[][] th = thin(o.t(), o.v());
      chart.addSeries(o.label(), th[0], th[1]).setMarker(SeriesMarkers.NONE)
          .setLineColor(OVERLAY_COLOURS[i % OVERLAY_COLOURS.length]).setLineStyle(SeriesLines.DASH_DASH);
    }
    return chart;
  }

  /** At most MAX_POINTS points: per bucket its first point, minimum and maximum, in time order. */
  static double[][] thin(double[] t, double[] v) {
    int n = t.length;
    if (n <= MAX_POINTS) {
      return new double[][] {t, v};
    }
    int buckets = MAX_POINTS / 3;
    double[] tt = new double[buckets * 3];
    double[] vv = new double[buckets * 3];
    int k = 0;
    for (int b = 0; b < buckets; b++) {
      int lo = (int) ((long) b * n / buckets);
      int hi = (int) ((long) (b + 1) * n / buckets);
      int iMin = lo;
      int iMax = lo;
      for (int i = lo; i < hi; i++) {
        if (v[i] < v[iMin]) {
          iMin = i;
        }
        if (v[i] > v[iMax]) {
          iMax = i;
        }
      }
      int[] idx = {lo, Math.min(iMin, iMax), Math.max(iMin, iMax)};
      for (int i : idx) {
        tt[k] = t[i];
        vv[k] = v[i];
        k++;
      }
    }
    return new double[][] {tt, vv};
  }
}
