package io.loopforge.mpc.distill;

import io.loopforge.modeling.plant.Plant;
import io.loopforge.modeling.policy.Controller;
import io.loopforge.modeling.policy.InputBounds;
import io.loopforge.modeling.policy.NetworkPolicy;
import io.loopforge.modeling.policy.PolynomialPolicy;
import io.loopforge.mpc.MpcException;
import io.loopforge.mpc.MpcProblem;
import io.loopforge.mpc.Planner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The whole distillation of an MPC into small explicit policies: solve the MPC on states (and, if asked,
 * set-points: {@link Builder#references}) sampled from a region inside the plant's operating region ({@link
 * SampleRegion}), then for each DAgger round run the policies fitted so far (the ReLU policy, the polynomial
 * policy or both: {@link DaggerWith}) in closed loop on the plant from the round's seeded starts and solve the
 * MPC on the states they visited ({@link ClosedLoopStates}), so that each policy is trained where it will be,
 * and fit the final ReLU policy ({@link ReluPolicyTrainer}) and sparse polynomial policy ({@link
 * PolynomialPolicyFit}) to every proven-optimal solve. Each batch of solves is a {@link SolveJob} in its own
 * folder under {@code directory} ({@code samples/}, {@code dagger-1/}, …), so a rerun after an interruption
 * solves only what is missing. Seeded throughout.
 */
public final class Distillation {
  /** Added to the seed for the references, so that they are not drawn like the states. */
  private static final long REFERENCE_SEED = 7_919;

  /** What a distillation produced. */
  public record Result(SolveDataset data, NetworkPolicy relu, PolynomialPolicy polynomial, List<Integer> roundSizes,
      double solveSeconds) {}

  /** Which policies' closed loops a DAgger round visits (from the same starts). */
  public enum DaggerWith {
    RELU, POLYNOMIAL, BOTH;

    boolean relu() {
      return this != POLYNOMIAL;
    }

    boolean polynomial() {
      return this != RELU;
    }
  }

  /** A batch of solves is about to start ({@code name}: {@code samples}, {@code dagger-1}, …). */
  public interface Listener extends Progress.Listener {
    default void batch(String name, int tasks) {}
  }

  private final Builder o;

  private Distillation(Builder b) {
    this.o = b;
  }

  /**
   * @param planners fresh planners of the MPC to imitate (one per chunk)
   * @param plant the plant the DAgger loops run on and whose operating region bounds the samples
   */
  public static Builder builder(Supplier<Planner> planners, Plant plant) {
    return new Builder(planners, plant);
  }

  public Result run() throws InterruptedException {
    MpcProblem problem = o.planners.get().problem();
    SampleRegion region = (o.region != null ? o.region : SampleRegion.ofPlant(o.plant, 0.5)).requireInside(o.plant);
    double[] ref = problem.stateReference();
    InputBounds box = InputBounds.of(problem.inputLower(), problem.inputUpper());
    double dt = problem.model().dt();
    long t0 = System.nanoTime();
    SampleRegion references = o.references == null ? null : o.references.requireInside(o.plant);
    List<double[]> states = region.sample(o.design, o.samples, o.seed);
    List<SolveTask> tasks = SolveJob.tasks(states,
        references(references, o.design, o.samples, o.seed + REFERENCE_SEED, ref));
    o.listener.batch("samples", tasks.size());
    SolveDataset data = job(tasks, "samples").run();
    List<Integer> sizes = new ArrayList<>(List.of(data.size()));
    for (int round = 1; round <= o.daggerRounds; round++) {
      List<double[]> starts = region.sample(SampleRegion.Design.UNIFORM, o.daggerEpisodes, o.seed + round);
      List<double[]> refs = references(references, SampleRegion.Design.UNIFORM, o.daggerEpisodes,
          o.seed + round + REFERENCE_SEED, ref);
      List<Controller> policies = new ArrayList<>();
      if (o.daggerWith.relu()) {
        policies.add(o.trainer.train(data, box, dt));
      }
      if (o.daggerWith.polynomial()) {
        policies.add(PolynomialPolicyFit.fit(data, o.degree, o.threshold, box, dt));
      }
      List<double[]> visited = new ArrayList<>();
      List<double[]> visitedRefs = new ArrayList<>();
      for (Controller policy : policies) {
        for (int e = 0; e < starts.size(); e++) { // each closed loop tracks its own reference
          List<double[]> xs = ClosedLoopStates.visit(o.plant, policy, List.of(starts.get(e)), o.daggerSteps,
              refs.get(e));
          visited.addAll(xs);
          visitedRefs.addAll(Collections.nCopies(xs.size(), refs.get(e)));
        }
      }
      String name = "dagger-" + round;
      o.listener.batch(name, visited.size());
      SolveDataset more = job(SolveJob.tasks(visited, visitedRefs), name).run();
      sizes.add(more.size());
      data = data.plus(more);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    NetworkPolicy relu = o.trainer.train(data, box, dt);
    PolynomialPolicy poly = PolynomialPolicyFit.fit(data, o.degree, o.threshold, box, dt);
    return new Result(data, relu, poly, sizes, seconds);
  }

  /** {@code n} references drawn from {@code region}, or {@code n} times the fixed one when there is none. */
  private static List<double[]> references(SampleRegion region, SampleRegion.Design design, int n, long seed,
      double[] fixed) {
    return region == null ? Collections.nCopies(n, fixed) : region.sample(design, n, seed);
  }

  private SolveJob job(List<SolveTask> tasks, String name) {
    return SolveJob.builder(o.planners, tasks).directory(o.directory.resolve(name)).chunkSize(o.chunkSize)
        .fanOut(o.fanOut).listener(o.listener).description(o.description).build();
  }

  /** Options; defaults: 1 000 Latin-hypercube samples of the central half of the operating region, no DAgger. */
  public static final class Builder {
    private final Supplier<Planner> planners;
    private final Plant plant;
    private SampleRegion region;
    private SampleRegion.Design design = SampleRegion.Design.LATIN_HYPERCUBE;
    private int samples = 1000;
    private long seed = 1;
    private int daggerRounds;
    private int daggerEpisodes = 20;
    private int daggerSteps = 60;
    private DaggerWith daggerWith = DaggerWith.BOTH;
    private SampleRegion references;
    private int chunkSize = 50;
    private FanOut fanOut = ExecutorFanOut.allCores();
    private Path directory;
    private Listener listener = p -> {};
    private String description = "";
    private ReluPolicyTrainer trainer = ReluPolicyTrainer.builder().build();
    private int degree = 3;
    private double threshold = 0.1;

    private Builder(Supplier<Planner> planners, Plant plant) {
      this.planners = Objects.requireNonNull(planners, "planners");
      this.plant = Objects.requireNonNull(plant, "plant");
    }

    /** The box the states are sampled from (default: the central half of the plant's operating region). */
    public Builder region(SampleRegion r) {
      this.region = Objects.requireNonNull(r, "region");
      return this;
    }

    /**
     * Set-points to distil for: each sampled state and each DAgger closed loop gets a reference drawn from this
     * box (inside the plant's operating region; a side with lower = upper holds that component fixed), so the
     * policies learn to track any of them. Default: none, every solve at the problem's own set-point.
     */
    public Builder references(SampleRegion r) {
      this.references = Objects.requireNonNull(r, "references");
      return this;
    }

    public Builder design(SampleRegion.Design d) {
      this.design = Objects.requireNonNull(d, "design");
      return this;
    }

    public Builder samples(int n) {
      if (n < 1) {
        throw new MpcException("the number of samples must be at least 1, got " + n);
      }
      this.samples = n;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** DAgger rounds after the sampled solves, each of {@code episodes} closed loops of {@code steps} steps. */
    public Builder dagger(int rounds, int episodes, int steps) {
      if (rounds < 0 || episodes < 1 || steps < 1) {
        throw new MpcException("DAgger needs rounds ≥ 0, episodes ≥ 1 and steps ≥ 1, got " + rounds + ", " + episodes
            + " and " + steps);
      }
      this.daggerRounds = rounds;
      this.daggerEpisodes = episodes;
      this.daggerSteps = steps;
      return this;
    }

    /** Whose closed loops the DAgger rounds visit (default {@link DaggerWith#BOTH}). */
    public Builder daggerWith(DaggerWith w) {
      this.daggerWith = Objects.requireNonNull(w, "daggerWith");
      return this;
    }

    public Builder chunkSize(int n) {
      this.chunkSize = n;
      return this;
    }

    public Builder fanOut(FanOut f) {
      this.fanOut = Objects.requireNonNull(f, "fanOut");
      return this;
    }

    /** Folder of the solve jobs (required). */
    public Builder directory(Path d) {
      this.directory = d;
      return this;
    }

    public Builder listener(Listener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    /** See {@link SolveJob.Builder#description}. */
    public Builder description(String d) {
      this.description = Objects.requireNonNull(d, "description");
      return this;
    }

    public Builder trainer(ReluPolicyTrainer t) {
      this.trainer = Objects.requireNonNull(t, "trainer");
      return this;
    }

    /** Library degree and STLSQ threshold of the polynomial policy (default 3 and 0.1). */
    public Builder polynomial(int deg, double thr) {
      if (deg < 1 || !(thr >= 0)) {
        throw new MpcException("the polynomial policy needs degree ≥ 1 and threshold ≥ 0, got " + deg + " and " + thr);
      }
      this.degree = deg;
      this.threshold = thr;
      return this;
    }

    public Distillation build() {
      Objects.requireNonNull(directory, "the distillation needs a directory for its solves");
      return new Distillation(this);
    }
  }
}
