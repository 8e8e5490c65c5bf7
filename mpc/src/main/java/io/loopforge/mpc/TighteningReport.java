package io.loopforge.mpc;

/**
 * What the bound stages of one mixed-integer program did: how many ReLU units the encoding has, how many
 * need a binary after each stage, and what the LP stage cost.
 *
 * @param units ReLU units over all encoded evaluations (units per evaluation × evaluations)
 * @param binariesInterval units left unstable by interval propagation (stage a)
 * @param binariesTightened units left unstable after LP-based tightening (stage b); equals
 *     {@code binariesInterval} when the LP stage did not run
 * @param linearPrograms linear programs solved by the LP stage (a min and a max count as two)
 * @param failedLinearPrograms linear programs that did not end OPTIMAL (their bound was kept)
 * @param intervalNanos wall time of stage a, ns
 * @param tighteningNanos wall time of stage b, ns (0 when it did not run)
 * @param budgetExhausted whether stage b stopped at its time budget (later bounds are interval bounds from
 *     the last tightened ones: sound, looser)
 */
public record TighteningReport(int units, int binariesInterval, int binariesTightened, int linearPrograms,
    int failedLinearPrograms, long intervalNanos, long tighteningNanos, boolean budgetExhausted) {

  /** Binaries interval propagation removed (units proven stable by it). */
  public int removedByInterval() {
    return units - binariesInterval;
  }

  /** Binaries the LP stage removed beyond interval propagation. */
  public int removedByTightening() {
    return binariesInterval - binariesTightened;
  }

  /** Wall time of both stages, ms. */
  public double millis() {
    return (intervalNanos + tighteningNanos) / 1e6;
  }
}
