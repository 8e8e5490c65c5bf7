package io.loopforge.mpc;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The planners by name, as the command line and the studies choose them; {@link #create} builds one
 * with its defaults and the few settings every caller may want to change ({@link Settings}). A switch over
 * this enum (a switch expression, as in {@link #create}) fails to compile when a planner is added and not
 * handled.
 */
public enum PlannerKind {
  /** {@link MipPlanner}: the mixed-integer program on a ReLU network, solved with ojAlgo. */
  MIP("mip", "mixed-integer program on a ReLU network (exact, ojAlgo)"),
  /** {@link MppiPlanner}: model-predictive path integral. */
  MPPI("mppi", "model-predictive path integral (sampling)"),
  /** {@link CemPlanner}: the cross-entropy method. */
  CEM("cem", "cross-entropy method (sampling)"),
  /** {@link RandomShootingPlanner}: uniform random input sequences. */
  RANDOM("random", "random shooting (sampling)"),
  /** {@link GradientPlanner}: projected gradient shooting with the model's exact Jacobians. */
  GRADIENT("gd", "projected gradient shooting with exact Jacobians"),
  /** {@link SindyMpcPlanner}: sequential linearisation with convex subproblems (Kaiser et al. 2018). */
  SINDY_MPC("sindy-mpc", "sequential linearisation, QP/LP subproblems (SINDy-MPC)");

  private final String cliName;
  private final String description;

  PlannerKind(String cliName, String description) {
    this.cliName = cliName;
    this.description = description;
  }

  /** The name on the command line and in tables, e.g. {@code mip}, {@code gd}. */
  public String cliName() {
    return cliName;
  }

  /** A few words on what the planner does. */
  public String description() {
    return description;
  }

  /** Every name, comma-separated, for messages and help texts. */
  public static String names() {
    return Arrays.stream(values()).map(PlannerKind::cliName).collect(Collectors.joining(", "));
  }

  /**
   * The planner called {@code name}.
   *
   * @throws MpcException naming the known planners when there is none by that name
   */
  public static PlannerKind forName(String name) {
    for (PlannerKind k : values()) {
      if (k.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new MpcException("unknown planner '" + name + "'; known planners: " + names());
  }

  /**
   * What a caller may set on any planner; a null field keeps the planner's default, and a setting a planner
   * does not have (samples for the MIP) is ignored by it.
   *
   * @param seed seed of the sampling planners' random streams
   * @param samples rollouts per iteration (MPPI, CEM, random shooting)
   * @param iterations iterations (MPPI, CEM, gradient, SINDy-MPC)
   * @param timeLimit wall-time limit per plan (MIP, SINDy-MPC)
   * @param threads threads for the sampling planners' rollouts (the plan does not depend on it)
   * @param mipSearch how the MIP planner searches (null: its default)
   */
  public record Settings(long seed, Integer samples, Integer iterations, Duration timeLimit, int threads,
      MipPlanner.Search mipSearch) {
    public Settings {
      if (threads < 1) {
        throw new MpcException("threads must be at least 1, got " + threads);
      }
    }

    /** Every planner's defaults, one thread, the given seed. */
    public static Settings defaults(long seed) {
      return new Settings(seed, null, null, null, 1, null);
    }

    public Settings withTimeLimit(Duration limit) {
      return new Settings(seed, samples, iterations, limit, threads, mipSearch);
    }

    public Settings withMipSearch(MipPlanner.Search search) {
      return new Settings(seed, samples, iterations, timeLimit, threads, search);
    }
  }

  /**
   * A planner of this kind for {@code problem}.
   *
   * @throws MpcException when the planner cannot solve the problem (e.g. the MIP planner on a SINDy model),
   *     with the planner's own message
   */
  public Planner create(MpcProblem problem, Settings s) {
    return switch (this) {
      case MIP -> {
        MipPlanner.Builder b = MipPlanner.builder(problem);
        if (s.timeLimit() != null) {
          b.timeLimit(s.timeLimit());
        }
        if (s.mipSearch() != null) {
          b.search(s.mipSearch());
        }
        yield b.build();
      }
      case MPPI -> {
        MppiPlanner.Builder b = MppiPlanner.builder(problem).seed(s.seed()).threads(s.threads());
        if (s.samples() != null) {
          b.samples(s.samples());
        }
        if (s.iterations() != null) {
          b.iterations(s.iterations());
        }
        yield b.build();
      }
      case CEM -> {
        CemPlanner.Builder b = CemPlanner.builder(problem).seed(s.seed()).threads(s.threads());
        if (s.samples() != null) {
          b.samples(s.samples());
        }
        if (s.iterations() != null) {
          b.iterations(s.iterations());
        }
        yield b.build();
      }
      case RANDOM -> {
        RandomShootingPlanner.Builder b = RandomShootingPlanner.builder(problem).seed(s.seed()).threads(s.threads());
        if (s.samples() != null) {
          b.samples(s.samples());
        }
        yield b.build();
      }
      case GRADIENT -> {
        GradientPlanner.Builder b = GradientPlanner.builder(problem);
        if (s.iterations() != null) {
          b.iterations(s.iterations());
        }
        yield b.build();
      }
      case SINDY_MPC -> {
        SindyMpcPlanner.Builder b = SindyMpcPlanner.builder(problem);
        if (s.iterations() != null) {
          b.maxIterations(s.iterations());
        }
        if (s.timeLimit() != null) {
          b.timeLimit(s.timeLimit());
        }
        yield b.build();
      }
    };
  }
}
