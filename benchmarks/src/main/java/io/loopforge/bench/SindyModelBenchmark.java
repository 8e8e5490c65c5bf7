package io.loopforge.bench;

import io.loopforge.modeling.sindy.Sindy;
import io.loopforge.modeling.sindy.SindyModel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Using a fitted Lorenz model (degree 2, 7 terms): one right-hand side evaluation (PySINDy's
 * {@code predict} of one sample: ≈ 0.8 ms), one RK4 step of 0.01 s with 4 substeps and its exact
 * Jacobian (what MPC calls per horizon step), and a 1000-step Dormand–Prince simulation at 1e-10.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SindyModelBenchmark {
  SindyModel model;
  double[] x = {1.5, -2.0, 20.0};
  double[] u = new double[0];
  double[] out = new double[3];
  double[][] a = new double[3][3];
  double[][] b = new double[3][0];
  double[] times;

  @Setup(Level.Trial)
  public void setUp() {
    model = Sindy.builder().dt(0.002).build().fit(SindyBenchData.lorenz(5000, 0.002)).withStep(0.01, 4);
    times = new double[1000];
    for (int i = 0; i < times.length; i++) {
      times[i] = i * 0.002;
    }
  }

  @Benchmark
  public double[] predict() {
    model.predict(x, u, out);
    return out;
  }

  @Benchmark
  public double[] step() {
    model.step(x, u, out);
    return out;
  }

  @Benchmark
  public double[][] jacobian() {
    model.jacobian(x, u, a, b);
    return a;
  }

  @Benchmark
  public Object simulate1000() {
    return model.simulate(new double[] {-8, 8, 27}, times, null);
  }
}
