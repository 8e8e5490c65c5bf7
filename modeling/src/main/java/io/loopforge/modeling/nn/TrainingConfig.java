package io.loopforge.modeling.nn;

/**
 * Settings of {@link MlpTrainer}: Adam with decoupled weight decay, minibatches of rollout windows,
 * early stopping on the validation loss and halving of the learning rate on plateaus. Immutable; use
 * {@link #builder()}.
 */
public final class TrainingConfig {
  private final double learningRate;
  private final int batchSize;
  private final int maxEpochs;
  private final int patience;
  private final int plateauEpochs;
  private final double weightDecay;
  private final double l1Penalty;
  private final double gradientClip;
  private final double averaging;
  private final int threads;
  private final long seed;

  private TrainingConfig(Builder b) {
    this.learningRate = b.learningRate;
    this.batchSize = b.batchSize;
    this.maxEpochs = b.maxEpochs;
    this.patience = b.patience;
    this.plateauEpochs = b.plateauEpochs;
    this.weightDecay = b.weightDecay;
    this.l1Penalty = b.l1Penalty;
    this.gradientClip = b.gradientClip;
    this.averaging = b.averaging;
    this.threads = b.threads;
    this.seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.learningRate = learningRate;
    b.batchSize = batchSize;
    b.maxEpochs = maxEpochs;
    b.patience = patience;
    b.plateauEpochs = plateauEpochs;
    b.weightDecay = weightDecay;
    b.l1Penalty = l1Penalty;
    b.gradientClip = gradientClip;
    b.averaging = averaging;
    b.threads = threads;
    b.seed = seed;
    return b;
  }

  /** Initial Adam step size. */
  public double learningRate() {
    return learningRate;
  }

  /** Rollout windows per minibatch. */
  public int batchSize() {
    return batchSize;
  }

  public int maxEpochs() {
    return maxEpochs;
  }

  /** Stop after this many epochs without a 0.1 % improvement of the validation loss. */
  public int patience() {
    return patience;
  }

  /** Halve the learning rate after this many epochs without improvement; 0: never. */
  public int plateauEpochs() {
    return plateauEpochs;
  }

  /** Decoupled weight decay per step, relative to the learning rate (AdamW); weights only. */
  public double weightDecay() {
    return weightDecay;
  }

  /** Coefficient of the L1 penalty on the weights (not biases) added to the loss. */
  public double l1Penalty() {
    return l1Penalty;
  }

  /** Largest Euclidean norm of a minibatch gradient; larger ones are scaled down. 0: no clipping. */
  public double gradientClip() {
    return gradientClip;
  }

  /**
   * Decay of the exponential moving average of the parameters, per minibatch step (0: no averaging;
   * default 0.999).
   * With averaging, the validation loss, early stopping and the returned network use the averaged
   * parameters, which are far less noisy than the last step's; the optimiser goes on from its own.
   */
  public double averaging() {
    return averaging;
  }

  /**
   * Threads for a minibatch's gradient (1 or 2). The batch is always cut into the same two halves
   * and summed in a fixed order, so results do not depend on this.
   */
  public int threads() {
    return threads;
  }

  /** Seed of the shuffling (and of gate sampling). */
  public long seed() {
    return seed;
  }

  /** Builds a {@link TrainingConfig}; defaults suit the plants' data of 10⁴–10⁵ transitions. */
  public static final class Builder {
    private double learningRate = 1e-3;
    private int batchSize = 64;
    private int maxEpochs = 100;
    private int patience = 12;
    private int plateauEpochs = 5;
    private double weightDecay = 0.0;
    private double l1Penalty = 0.0;
    private double gradientClip = 10.0;
    private double averaging = 0.999;
    private int threads = 2;
    private long seed = 1;

    private Builder() {}

    public Builder learningRate(double v) {
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("the learning rate must be positive, got " + v);
      }
      learningRate = v;
      return this;
    }

    public Builder batchSize(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("the batch size must be ≥ 1, got " + v);
      }
      batchSize = v;
      return this;
    }

    public Builder maxEpochs(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("the number of epochs must be ≥ 1, got " + v);
      }
      maxEpochs = v;
      return this;
    }

    public Builder patience(int v) {
      if (v < 1) {
        throw new IllegalArgumentException("the patience must be ≥ 1 epoch, got " + v);
      }
      patience = v;
      return this;
    }

    public Builder plateauEpochs(int v) {
      if (v < 0) {
        throw new IllegalArgumentException("plateau epochs must be ≥ 0, got " + v);
      }
      plateauEpochs = v;
      return this;
    }

    public Builder weightDecay(double v) {
      if (!(v >= 0)) {
        throw new IllegalArgumentException("the weight decay must be ≥ 0, got " + v);
      }
      weightDecay = v;
      return this;
    }

    public Builder l1Penalty(double v) {
      if (!(v >= 0)) {
        throw new IllegalArgumentException("the L1 penalty must be ≥ 0, got " + v);
      }
      l1Penalty = v;
      return this;
    }

    public Builder gradientClip(double v) {
      if (!(v >= 0)) {
        throw new IllegalArgumentException("the gradient clip must be ≥ 0, got " + v);
      }
      gradientClip = v;
      return this;
    }

    public Builder averaging(double v) {
      if (!(v >= 0 && v < 1)) {
        throw new IllegalArgumentException("the averaging decay must be in [0, 1), got " + v);
      }
      averaging = v;
      return this;
    }

    public Builder threads(int v) {
      if (v < 1 || v > 2) {
        throw new IllegalArgumentException("threads must be 1 or 2, got " + v);
      }
      threads = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public TrainingConfig build() {
      return new TrainingConfig(this);
    }
  }
}
