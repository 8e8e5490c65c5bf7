package io.loopforge.sparsify;

import io.loopforge.modeling.nn.TrainingConfig;
import java.util.Arrays;

/**
 * Settings of {@link GatedSparsifier} and {@link MagnitudePruning}: the schedule of ReLU budgets, epochs
 * per stage, and the gate relaxation. Immutable; use {@link #builder(int...)}.
 */
public final class SparsifyConfig {
  private final int[] schedule;
  private final int warmupEpochs;
  private final int gateEpochs;
  private final int fineTuneEpochs;
  private final int intermediateFineTuneEpochs;
  private final int[] kept;
  private final double temperature;
  private final double gateLearningRate;
  private final double initialReluLogit;
  private final double identityPenalty;
  private final double reluPenalty;
  private final double fineTuneLearningRate;
  private final double gatedLearningRate;
  private final TrainingConfig training;

  private SparsifyConfig(Builder b) {
    this.fineTuneLearningRate = b.fineTuneLearningRate;
    this.gatedLearningRate = b.gatedLearningRate;
    this.schedule = b.schedule.clone();
    this.warmupEpochs = b.warmupEpochs;
    this.gateEpochs = b.gateEpochs;
    this.fineTuneEpochs = b.fineTuneEpochs;
    this.intermediateFineTuneEpochs = b.intermediateFineTuneEpochs;
    this.kept = b.kept == null ? new int[] {schedule[schedule.length - 1]} : b.kept.clone();
    this.temperature = b.temperature;
    this.gateLearningRate = b.gateLearningRate;
    this.initialReluLogit = b.initialReluLogit;
    this.identityPenalty = b.identityPenalty;
    this.reluPenalty = b.reluPenalty;
    this.training = b.training;
  }

  /**
   * A configuration whose schedule is {@code schedule}: strictly decreasing ReLU budgets, the last one
   * the target.
   */
  public static Builder builder(int... schedule) {
    return new Builder().schedule(schedule);
  }

  /** A builder holding every setting of this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder().schedule(schedule);
    b.warmupEpochs = warmupEpochs;
    b.gateEpochs = gateEpochs;
    b.fineTuneEpochs = fineTuneEpochs;
    b.intermediateFineTuneEpochs = intermediateFineTuneEpochs;
    b.kept = kept.clone();
    b.temperature = temperature;
    b.gateLearningRate = gateLearningRate;
    b.initialReluLogit = initialReluLogit;
    b.identityPenalty = identityPenalty;
    b.reluPenalty = reluPenalty;
    b.fineTuneLearningRate = fineTuneLearningRate;
    b.gatedLearningRate = gatedLearningRate;
    b.training = training;
    return b;
  }

  /**
   * Halving budgets from half the network's ReLUs down to {@code budget}: 128 ReLUs and budget 8 give
   * 64, 32, 16, 8; budget 10 gives 64, 32, 16, 10.
   */
  public static int[] halvingSchedule(int reluCount, int budget) {
    int[] s = new int[32];
    int n = 0;
    for (int b = reluCount / 2; b > budget; b /= 2) {
      s[n++] = b;
    }
    s[n++] = budget;
    return Arrays.copyOf(s, n);
  }

  /** ReLU budgets, strictly decreasing; the last is the target. */
  public int[] schedule() {
    return schedule.clone();
  }

  public int budget() {
    return schedule[schedule.length - 1];
  }

  /** Gated epochs before the first budget, every choice open, so the logits learn a ranking. */
  public int warmupEpochs() {
    return warmupEpochs;
  }

  /** Gated epochs per stage (the gates choose under the stage's budget). */
  public int gateEpochs() {
    return gateEpochs;
  }

  /**
   * Most epochs of weight training with the hard choice fixed at a kept budget ({@link #kept()}); early
   * stopping on the validation loss usually ends it first, so the network there is trained to convergence.
   */
  public int fineTuneEpochs() {
    return fineTuneEpochs;
  }

  /** Most fine-tuning epochs at a budget that is only passed through on the way to a kept one. */
  public int intermediateFineTuneEpochs() {
    return intermediateFineTuneEpochs;
  }

  /** Budgets whose networks are results, fine-tuned to convergence: by default only the last one. */
  public int[] kept() {
    return kept.clone();
  }

  /** Most fine-tuning epochs of the stage with this budget. */
  public int fineTuneEpochs(int budget) {
    return Arrays.stream(kept).anyMatch(k -> k == budget) ? fineTuneEpochs : intermediateFineTuneEpochs;
  }

  /** Gumbel-softmax temperature. */
  public double temperature() {
    return temperature;
  }

  /** Adam step size of the gate logits. */
  public double gateLearningRate() {
    return gateLearningRate;
  }

  /** Initial ReLU logit (identity and zero start at 0); positive values keep the dense network at first. */
  public double initialReluLogit() {
    return initialReluLogit;
  }

  /** Initial learning rate of the weights in the fine-tuning runs (halved on plateaus). */
  public double fineTuneLearningRate() {
    return fineTuneLearningRate;
  }

  /**
   * Learning rate of the weights during gated training: small, so that the noise of the sampled gates
   * does not wreck the trained weights while the logits learn.
   */
  public double gatedLearningRate() {
    return gatedLearningRate;
  }

  /** Penalty per expected identity neuron, as a fraction of the dense network's validation loss. */
  public double identityPenalty() {
    return identityPenalty;
  }

  /** Penalty per expected ReLU neuron, as a fraction of the dense network's validation loss. */
  public double reluPenalty() {
    return reluPenalty;
  }

  /**
   * Weight training settings used in every run (batch, seed, threads, L1, patience and plateau of the
   * fine-tuning); the learning rates are {@link #gatedLearningRate()} and {@link #fineTuneLearningRate()}.
   */
  public TrainingConfig training() {
    return training;
  }

  /** Builds a {@link SparsifyConfig}. */
  public static final class Builder {
    private int[] schedule;
    private int warmupEpochs = 3;
    private int gateEpochs = 4;
    private int fineTuneEpochs = 400;
    private int intermediateFineTuneEpochs = 60;
    private int[] kept;
    private double temperature = 0.5;
    private double gateLearningRate = 0.003;
    private double initialReluLogit = 3.0;
    private double identityPenalty = 0.001;
    private double reluPenalty = 0.001;
    private double fineTuneLearningRate = 2e-3;
    private double gatedLearningRate = 1e-4;
    private TrainingConfig training = TrainingConfig.builder().build();

    private Builder() {}

    /** Strictly decreasing ReLU budgets; the last is the target. Resets the kept budgets to the last one. */
    public Builder schedule(int... schedule) {
      if (schedule.length == 0) {
        throw new SparsifyException("the ReLU budget schedule is empty");
      }
      for (int i = 0; i < schedule.length; i++) {
        if (schedule[i] < 0) {
          throw new SparsifyException("a ReLU budget must be ≥ 0, got " + schedule[i]);
        }
        if (i > 0 && schedule[i] >= schedule[i - 1]) {
          throw new SparsifyException("the ReLU budget schedule must decrease strictly, got "
              + Arrays.toString(schedule));
        }
      }
      this.schedule = schedule.clone();
      this.kept = null;
      return this;
    }

    public Builder warmupEpochs(int v) {
      warmupEpochs = nonNegative(v, "warm-up epochs");
      return this;
    }

    public Builder gateEpochs(int v) {
      gateEpochs = nonNegative(v, "gate epochs");
      return this;
    }

    public Builder fineTuneEpochs(int v) {
      fineTuneEpochs = nonNegative(v, "fine-tuning epochs");
      return this;
    }

    public Builder intermediateFineTuneEpochs(int v) {
      intermediateFineTuneEpochs = nonNegative(v, "intermediate fine-tuning epochs");
      return this;
    }

    /** Budgets of the schedule whose networks are results (fine-tuned with {@link #fineTuneEpochs}). */
    public Builder keep(int... budgets) {
      kept = budgets.clone();
      return this;
    }

    public Builder temperature(double v) {
      if (!(v > 0)) {
        throw new SparsifyException("the temperature must be positive, got " + v);
      }
      temperature = v;
      return this;
    }

    public Builder gateLearningRate(double v) {
      if (!(v > 0)) {
        throw new SparsifyException("the gate learning rate must be positive, got " + v);
      }
      gateLearningRate = v;
      return this;
    }

    public Builder initialReluLogit(double v) {
      initialReluLogit = v;
      return this;
    }

    public Builder fineTuneLearningRate(double v) {
      if (!(v > 0)) {
        throw new SparsifyException("the fine-tuning learning rate must be positive, got " + v);
      }
      fineTuneLearningRate = v;
      return this;
    }

    public Builder gatedLearningRate(double v) {
      if (!(v > 0)) {
        throw new SparsifyException("the gated learning rate must be positive, got " + v);
      }
      gatedLearningRate = v;
      return this;
    }

    public Builder identityPenalty(double v) {
      identityPenalty = v;
      return this;
    }

    public Builder reluPenalty(double v) {
      reluPenalty = v;
      return this;
    }

    public Builder training(TrainingConfig v) {
      training = v;
      return this;
    }

    private static int nonNegative(int v, String what) {
      if (v < 0) {
        throw new SparsifyException(what + " must be ≥ 0, got " + v);
      }
      return v;
    }

    public SparsifyConfig build() {
      if (kept != null) {
        for (int k : kept) {
          if (Arrays.stream(schedule).noneMatch(b -> b == k)) {
            throw new SparsifyException("kept budget " + k + " is not in the schedule " + Arrays.toString(schedule));
          }
        }
      }
      return new SparsifyConfig(this);
    }
  }
}
