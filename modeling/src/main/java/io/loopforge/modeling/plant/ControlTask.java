package io.loopforge.modeling.plant;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a controller of a plant should achieve: drive the state to {@code referenceState} (state units of
 * the plant) and, when given, hold it there with the equilibrium input {@code referenceInput} (input
 * units of the plant). Arrays are copied in and out.
 *
 * @param description one sentence for people, e.g. "swing up and balance the pendulum upright"
 * @param referenceState target state, one value per plant state
 * @param referenceInput input that holds the plant at {@code referenceState}, or {@code null} when the
 *     task has none (see {@link #hasReferenceInput()})
 */
public record ControlTask(String description, double[] referenceState, double[] referenceInput) {
  public ControlTask {
    Objects.requireNonNull(description, "description");
    referenceState = referenceState.clone();
    referenceInput = referenceInput == null ? null : referenceInput.clone();
  }

  /** A task without an equilibrium input. */
  public ControlTask(String description, double[] referenceState) {
    this(description, referenceState, null);
  }

  @Override
  public double[] referenceState() {
    return referenceState.clone();
  }

  /** The equilibrium input, or {@code null} when there is none. */
  @Override
  public double[] referenceInput() {
    return referenceInput == null ? null : referenceInput.clone();
  }

  public boolean hasReferenceInput() {
    return referenceInput != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ControlTask
        && description.equals(((ControlTask) o).description)
        && Arrays.equals(referenceState, ((ControlTask) o).referenceState)
        && Arrays.equals(referenceInput, ((ControlTask) o).referenceInput);
  }

  @Override
  public int hashCode() {
    return Objects.hash(description, Arrays.hashCode(referenceState), Arrays.hashCode(referenceInput));
  }

  @Override
  public String toString() {
    return "ControlTask[" + description + ", referenceState=" + Arrays.toString(referenceState)
        + ", referenceInput=" + Arrays.toString(referenceInput) + "]";
  }
}
