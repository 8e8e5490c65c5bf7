package io.loopforge.modeling;

import java.util.List;

/**
 * Several trajectories of one system: the same state and input names in each. Methods that
 * differentiate data do so per trajectory, never across a boundary between two of them.
 */
public final class Dataset {
  private final List<Trajectory> trajectories;

  public Dataset(List<Trajectory> trajectories) {
    if (trajectories.isEmpty()) {
      throw new IllegalArgumentException("a dataset needs at least one trajectory");
    }
    Trajectory first = trajectories.get(0);
    for (Trajectory t : trajectories) {
      if (!t.stateNames().equals(first.stateNames()) || !t.inputNames().equals(first.inputNames())) {
        throw new IllegalArgumentException(
            "all trajectories need the same columns: " + first.stateNames() + first.inputNames() + " vs "
                + t.stateNames() + t.inputNames());
      }
    }
    this.trajectories = List.copyOf(trajectories);
  }

  public static Dataset of(Trajectory... trajectories) {
    return new Dataset(List.of(trajectories));
  }

  public List<Trajectory> trajectories() {
    return trajectories;
  }

  public int size() {
    return trajectories.size();
  }

  public Trajectory get(int i) {
    return trajectories.get(i);
  }

  /** Total number of samples over all trajectories. */
  public int sampleCount() {
    int n = 0;
    for (Trajectory t : trajectories) {
      n += t.size();
    }
    return n;
  }

  public List<String> stateNames() {
    return trajectories.get(0).stateNames();
  }

  public List<String> inputNames() {
    return trajectories.get(0).inputNames();
  }

  public int stateDim() {
    return stateNames().size();
  }

  public int inputDim() {
    return inputNames().size();
  }
}
