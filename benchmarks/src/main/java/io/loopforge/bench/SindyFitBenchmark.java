package io.loopforge.bench;

import io.loopforge.modeling.Dataset;
import io.loopforge.modeling.sindy.Differentiation;
import io.loopforge.modeling.sindy.FeatureLibrary;
import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import io.loopforge.modeling.sindy.Stlsq;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SINDy fits on Lorenz data (PySINDy's {@code SINDy.fit}: differentiation + library + STLSQ + unbias).
 *
 * <ul>
 *   <li>{@link #lorenzDefault}: the reference case {@code lorenz_default}, 5000 samples, PySINDy's
 *       defaults (PySINDy: 8.3 ms median);
 *   <li>{@link #lorenz50kDegree5}: 50 000 samples, degree 5, α = 0 (PySINDy: 220 ms), one thread;
 *       {@link #lorenz50kDegree5TwoThreads} the same on two;
 *   <li>{@link #scaling}: every combination of {@code samples} and {@code degree} (STLSQ α = 0, so the
 *       fit is the true model at every size);
 *   <li>{@link #scalingGivenDerivatives}: the same without differentiation (library + regression only).
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SindyFitBenchmark {
  /** The two headline cases. */
  @State(Scope.Benchmark)
  public static class Headline {
    Dataset lorenz5k;
    Dataset lorenz50k;
    Sindy defaults;
    Sindy degree5;
    Sindy degree5TwoThreads;

    @Setup(Level.Trial)
    public void setUp() {
      lorenz5k = SindyBenchData.lorenz(5000, 0.002);
      lorenz50k = SindyBenchData.lorenz(50_000, 0.0002);
      defaults = Sindy.builder().dt(0.002).build();
      degree5 = Sindy.builder().dt(0.0002).library(FeatureLibrary.polynomial(5))
          .optimizer(Stlsq.sequentialThresholding(0.1)).build();
      degree5TwoThreads = degree5.toBuilder().threads(2).build();
    }
  }

  /** Samples × library size. */
  @State(Scope.Benchmark)
  public static class Grid {
    @Param({"5000", "20000", "50000"})
    public int samples;

    @Param({"2", "3", "4", "5"})
    public int degree;

    Dataset data;
    List<double[][]> derivatives;
    Sindy sindy;

    @Setup(Level.Trial)
    public void setUp() {
      double dt = 10.0 / samples;
      data = SindyBenchData.lorenz(samples, dt);
      derivatives = List.<double[][]>of(Differentiation.finiteDifference(2).differentiate(data.get(0).states(), dt));
      sindy = Sindy.builder().dt(dt).library(FeatureLibrary.polynomial(degree))
          .optimizer(Stlsq.sequentialThresholding(0.1)).build();
    }
  }

  @Benchmark
  public SindyModel lorenzDefault(Headline s) {
    return s.defaults.fit(s.lorenz5k);
  }

  @Benchmark
  public SindyModel lorenz50kDegree5(Headline s) {
    return s.degree5.fit(s.lorenz50k);
  }

  /** As {@link #lorenz50kDegree5}, the QR reduction on two threads (same model bit for bit). */
  @Benchmark
  public SindyModel lorenz50kDegree5TwoThreads(Headline s) {
    return s.degree5TwoThreads.fit(s.lorenz50k);
  }

  @Benchmark
  public SindyModel scaling(Grid g) {
    return g.sindy.fit(g.data);
  }

  @Benchmark
  public SindyModel scalingGivenDerivatives(Grid g) {
    return g.sindy.fit(g.data, g.derivatives);
  }
}
