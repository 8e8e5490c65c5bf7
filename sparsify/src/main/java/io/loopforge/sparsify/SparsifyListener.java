package io.loopforge.sparsify;

import io.loopforge.modeling.nn.TrainingListener;

/** Progress of a sparsification: per-epoch reports of every training run, and the phase it belongs to. */
public interface SparsifyListener extends TrainingListener {
  /** A listener that ignores everything. */
  SparsifyListener NONE = new SparsifyListener() {
    @Override
    public void onEpoch(EpochReport report) {}
  };

  /** A new phase starts, e.g. "budget 16: gated training". */
  default void onPhase(String description) {}

  /** Adapts a plain training listener; phases are dropped. */
  static SparsifyListener of(TrainingListener listener) {
    return listener::onEpoch;
  }
}
